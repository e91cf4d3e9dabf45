/**
 * The slice of the Workers runtime module `cloudflare:workers` that src/worker.ts uses (its full
 * types are in @cloudflare/workers-types, which would clash with the DOM and Node types the rest
 * of the code compiles against). The module exists only in workerd: wrangler leaves the import as
 * it is, and nothing on Node imports src/worker.ts.
 */
declare module 'cloudflare:workers' {
  export interface WorkflowEvent<T> {
    payload: Readonly<T>;
    timestamp: Date;
    instanceId: string;
  }
  export type WorkflowDuration = `${number} ${'second' | 'seconds' | 'minute' | 'minutes' | 'hour' | 'hours'}` | number;
  export interface WorkflowStepConfig {
    retries?: { limit: number; delay: WorkflowDuration; backoff?: 'constant' | 'linear' | 'exponential' };
    timeout?: WorkflowDuration;
  }
  export interface WorkflowStep {
    do<T>(name: string, callback: () => Promise<T>): Promise<T>;
    do<T>(name: string, config: WorkflowStepConfig, callback: () => Promise<T>): Promise<T>;
  }
  export abstract class WorkflowEntrypoint<Env = unknown, T = unknown> {
    protected ctx: unknown;
    protected env: Env;
    constructor(ctx: unknown, env: Env);
    abstract run(event: Readonly<WorkflowEvent<T>>, step: WorkflowStep): Promise<unknown>;
  }
}
