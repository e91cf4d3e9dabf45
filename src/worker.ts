/**
 * Cloudflare Workers entry (docs/deploy-workers.md). Validates its configuration once per isolate
 * (src/edge/bureaus.ts: one bureau, or a table of host name -> bureau, each on its own D1 database
 * or Turso URL with its own signing key, log origin and public URL), builds the same app as the
 * Node entry once, and serves each request with its bureau's database, config and key. Each
 * invocation counts its D1 statements (src/edge/d1.ts); a long job spends what is left and
 * continues in the `JobWorkflow` below, one Workflow step per job step (src/jobs). Migrations are
 * applied by the deploy (`wrangler d1 migrations apply` / `drizzle-kit migrate`), never by a
 * request.
 *
 * Nothing Node-only may be imported here, directly or through the app: `db/client.ts` is used for
 * its `Db` type only. The Workers suite (test/workers) fails if a Node built-in reaches the bundle.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from 'cloudflare:workers';
import { createApp, type App } from './app.js';
import { problem } from './core/errors.js';
import { systemClock } from './core/clock.js';
import { bureauFor, parseEdgeEnv, type Bureau } from './edge/bureaus.js';
import { StatementCounter } from './edge/d1.js';
import { Edge, type Opened, type WorkflowParams } from './edge/runtime.js';
import { jobOf } from './job-kinds.js';
import { abandonJob, continueJob } from './jobs/run.js';
import { createLogger } from './ops/telemetry.js';
import { runScheduled } from './scheduled.js';

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

interface Built {
  edge: Edge;
  app: App;
}

// One app per isolate: building it parses the OpenAPI routes and the configuration, which is work
// a request should not repeat. Isolates are reused for many requests and recycled by the runtime;
// an isolate serves one deployment, so its bindings do not change under it.
let built: Built | null = null;

function build(env: Record<string, unknown>): Built {
  if (built) return built;
  const config = parseEdgeEnv(env);
  const edge = new Edge(config, { log: createLogger() });
  const assets = config.assets;
  const app = createApp({
    // The request's bureau and invocation, opened by `fetch` below and passed as Hono's env.
    scope: (c) => {
      const o = (c.env as { opened: Opened }).opened;
      return { db: o.db, config: o.bureau.config, signer: o.signer, invocation: o.invocation };
    },
    telemetry: edge.telemetry,
    assets: assets
      ? async (path) => {
          const res = await assets.fetch(new Request(`https://assets.invalid/${path}`));
          // A fetched response's headers are immutable; the app's middleware adds its own.
          return res.ok ? new Response(res.body, res) : null;
        }
      : undefined,
  });
  built = { edge, app };
  return built;
}

function problemJson(status: number, code: string, detail: string): Response {
  return new Response(JSON.stringify(problem(status, code, detail)), { status, headers: { 'content-type': 'application/problem+json; charset=utf-8' } });
}

function configError(err: unknown): Response {
  console.error(err);
  const detail = err instanceof Error && err.message.startsWith('Worker configuration') ? err.message : 'The service is not ready.';
  return problemJson(503, 'unavailable', detail);
}

/** A bureau's periodic jobs (src/scheduled.ts) in one invocation of its own (or one it shares). */
async function scheduledFor(edge: Edge, bureau: Bureau, kind: string, shared?: StatementCounter): Promise<void> {
  const opened = edge.open(bureau, kind, shared);
  try {
    await edge.ready(bureau, opened);
    await runScheduled({ db: opened.db, clock: systemClock, signer: opened.signer, config: bureau.config, telemetry: edge.telemetry, invocation: opened.invocation });
  } finally {
    opened.report();
  }
}

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
    let b: Built;
    try {
      b = build(env);
    } catch (err) {
      return configError(err);
    }
    const host = new URL(request.url).hostname;
    const bureau = bureauFor(b.edge.config, host);
    if (!bureau) return problemJson(404, 'unknown_host', `No bureau is served at ${host}.`);
    const opened = b.edge.open(bureau, 'fetch');
    try {
      try {
        await b.edge.ready(bureau, opened);
      } catch (err) {
        return configError(err);
      }
      return await b.app.fetch(request, { opened }, ctx as never);
    } finally {
      opened.report();
    }
  },

  /**
   * The cron trigger: every bureau's periodic jobs. With a Workflow bound (JOBS), each bureau's
   * run in an instance of its own, so each has a whole invocation's D1 budget and a scan too
   * large for it continues in steps; without one, one bureau after the other in this invocation.
   */
  async scheduled(controller: { scheduledTime?: number }, env: Record<string, unknown>, ctx: ExecutionContext): Promise<void> {
    const { edge } = build(env);
    const jobs = edge.config.jobs;
    const at = controller.scheduledTime ?? Date.now();
    if (jobs) {
      ctx.waitUntil(
        Promise.all(
          edge.config.bureaus.map(async (bureau, i) => {
            const params: WorkflowParams = { bureau: bureau.host, scheduled: true };
            try {
              await jobs.create({ id: `cron-${i}-${at}`, params });
            } catch (err) {
              // The same cron event delivered twice: its instance exists already.
              if (!/already exists/i.test(String((err as Error).message))) throw err;
            }
          }),
        ),
      );
      return;
    }
    const counter = new StatementCounter(edge.config.d1Limit);
    ctx.waitUntil(
      (async () => {
        for (const bureau of edge.config.bureaus) await scheduledFor(edge, bureau, 'scheduled', counter);
      })(),
    );
  },
};

/** Retries of a job step that failed (a D1 hiccup); a step that fails for good abandons the job. */
const STEP: WorkflowStepConfig = { retries: { limit: 3, delay: '10 seconds', backoff: 'exponential' }, timeout: '15 minutes' };

/**
 * The Worker's engine for long jobs (`[[workflows]]` in wrangler.toml, bound as JOBS): one
 * instance per handed-over job, one `step.do` per job step, each step its own invocation with
 * D1's whole budget; or one bureau's periodic jobs. The job is the same code that started in the
 * request (src/job-kinds.ts finds it by kind).
 */
export class JobWorkflow extends WorkflowEntrypoint<Record<string, unknown>, WorkflowParams> {
  override async run(event: Readonly<WorkflowEvent<WorkflowParams>>, step: WorkflowStep) {
    const { edge } = build(this.env);
    const p = event.payload;
    const bureau = edge.byHost(p.bureau);
    if (!('job' in p)) {
      await step.do('scheduled jobs', STEP, () => scheduledFor(edge, bureau, 'step'));
      return { scheduled: true };
    }
    const job = p.job;
    const def = jobOf(job.kind);
    let state = job.state;
    const inStep = async <T>(i: number | string, fn: (o: Opened) => Promise<T>): Promise<T> => {
      const opened = edge.open(bureau, 'step');
      try {
        return await fn(opened);
      } finally {
        opened.report({ job: job.id, kind: job.kind, step: i });
      }
    };
    try {
      for (let i = 1; ; i++) {
        const r = await step.do(`step ${i}`, STEP, () => inStep(i, (o) => continueJob(o.ctx(job.actor), def, { ...job, state })));
        if (r.done) return r;
        state = r.state;
      }
    } catch (err) {
      // The step's retries are spent: undo what the job staged, and say why.
      const reason = err instanceof Error ? err.message : String(err);
      await step.do('abandon', () => inStep('abandon', (o) => abandonJob(o.ctx(job.actor), def, { ...job, state }, reason)));
      throw err;
    }
  }
}
