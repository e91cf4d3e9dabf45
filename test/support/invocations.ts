/**
 * The Worker's limits on Node, to run its long jobs step by step on a real libsql database: a
 * handle over the same client that counts statements as D1 does (each statement of a batch
 * counts), refuses a statement past the invocation's limit as D1 would, and refuses statements
 * with more than 100 bound parameters as D1 does (it hides the libsql protocol, so `maxParamsFor`
 * plans for D1's limit). `worker.invocation()` is one invocation; the jobs it hands over wait in `handed` for
 * `drain()`, which runs them one step per fresh invocation, as the Workflow does.
 */
import type { Client } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import type { Db } from '../../db/client.js';
import type { Ctx, JobHandOver } from '../../src/core/context.js';
import { continueJob } from '../../src/jobs/run.js';
import { jobOf } from '../../src/job-kinds.js';

export interface Counted {
  /** Statements of each invocation so far, in order. */
  perInvocation: number[];
}

export function workerLike(client: Client, limit: number) {
  const counted: Counted = { perInvocation: [] };
  let current = -1;
  const count = (n: number) => {
    if (current < 0) return;
    if (counted.perInvocation[current]! + n > limit) {
      throw new Error(`Too many API requests by single Worker invocation: ${counted.perInvocation[current]! + n} statements, the limit is ${limit}`);
    }
    counted.perInvocation[current]! += n;
  };
  // D1 refuses a statement with more than 100 bound parameters; libsql would take 32,766.
  const params = (stmt: unknown) => {
    const args = (stmt as { args?: unknown[] | Record<string, unknown> }).args;
    const n = Array.isArray(args) ? args.length : args ? Object.keys(args).length : 0;
    if (n > 100) throw new Error(`too many SQL variables: ${n} bound parameters, D1 allows 100 (${String((stmt as { sql?: string }).sql).slice(0, 80)}...)`);
  };
  const proxy = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'protocol') return undefined;
      if (prop === 'execute') return (stmt: unknown) => (params(stmt), count(1), target.execute(stmt as never));
      if (prop === 'batch') return (stmts: unknown[], mode?: unknown) => (stmts.forEach(params), count(stmts.length), target.batch(stmts as never, mode as never));
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const db = drizzle(proxy) as unknown as Db;
  const handed: JobHandOver[] = [];

  /** Starts an invocation: statements from here on count against `limit`. */
  const invocation = () => {
    current = counted.perInvocation.push(0) - 1;
    return {
      statementsLeft: () => limit - counted.perInvocation[current]!,
      continueJob: async (job: JobHandOver) => {
        handed.push(structuredClone(job));
      },
    };
  };

  /** A ctx for `base`'s actor on the counting handle, in a new invocation. */
  const ctx = (base: Ctx): Ctx => ({ ...base, db, invocation: invocation() });

  /**
   * Runs every handed-over job to its end, one step per new invocation, with `base`'s clock and
   * config and the actor each job was started by; `between` runs before each step.
   */
  const drain = async (base: Ctx, between?: (job: JobHandOver) => Promise<void>) => {
    const outcomes: { id: string; steps: number; failed?: string }[] = [];
    while (handed.length) {
      const job = handed.shift()!;
      let steps = 0;
      for (;;) {
        await between?.(job);
        const r = await continueJob(ctx({ ...base, actor: job.actor }), jobOf(job.kind), job);
        steps++;
        if (r.done) {
          outcomes.push({ id: job.id, steps, ...(r.failed ? { failed: r.failed } : {}) });
          break;
        }
        job.state = structuredClone(r.state);
      }
    }
    return outcomes;
  };

  return { db, counted, handed, ctx, invocation, drain };
}
