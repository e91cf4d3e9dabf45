/**
 * What the Worker keeps per isolate and opens per invocation. Per isolate (never data): the parsed
 * configuration, and per bureau its signer, its Turso handle if it has one, and whether its admin
 * exists. Per invocation (a request, a cron event, a Workflow step): a statement counter, the
 * bureau's D1 database over it, and the `Invocation` through which a long job spends what is left
 * and hands the rest to the Workflow (docs/adr/0077).
 */
import { createClient } from '@libsql/client/web';
import { count, eq } from 'drizzle-orm';
import { drizzle as drizzleLibsql } from 'drizzle-orm/libsql/web';
import { users } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import { ensureAdmin } from '../auth/users.js';
import { systemClock } from '../core/clock.js';
import type { Actor, AuditSigner, Ctx, Invocation, JobHandOver } from '../core/context.js';
import { signerFromSeed } from '../audit/signer.js';
import type { Telemetry } from '../ops/telemetry.js';
import type { Bureau, EdgeConfig } from './bureaus.js';
import { d1Database, StatementCounter } from './d1.js';

/** What a Workflow instance of the Worker carries: a job's next steps, or a bureau's scheduled jobs. */
export type WorkflowParams = { bureau: string | null; job: JobHandOver } | { bureau: string | null; scheduled: true };

interface BureauState {
  signer: AuditSigner;
  /** Turso: one HTTP client per isolate (no per-invocation limit to count). */
  libsql: Db | null;
  /** Resolves once the bureau's database has an admin (checked once per isolate). */
  ready: Promise<void> | null;
}

/** One invocation of one bureau: the parts of a ctx, and a log line of what it spent. */
export interface Opened {
  bureau: Bureau;
  db: Db;
  signer: AuditSigner;
  invocation?: Invocation;
  counter: StatementCounter | null;
  ctx(actor: Actor): Ctx;
  report(extra?: Record<string, unknown>): void;
}

export class Edge {
  private readonly states = new Map<Bureau, BureauState>();

  constructor(
    readonly config: EdgeConfig,
    readonly telemetry: Telemetry,
  ) {}

  /** The bureau by its host (null: the one bureau of a single-bureau configuration). */
  byHost(host: string | null): Bureau {
    const b = this.config.bureaus.find((x) => x.host === host);
    if (!b) throw new Error(`No bureau ${host ?? '(single)'} in this configuration.`);
    return b;
  }

  private state(b: Bureau): BureauState {
    let s = this.states.get(b);
    if (!s) {
      const libsql =
        b.database.kind === 'libsql' ? (drizzleLibsql(createClient({ url: b.database.url, authToken: b.database.authToken })) as unknown as Db) : null;
      s = { signer: signerFromSeed(b.seed), libsql, ready: null };
      this.states.set(b, s);
    }
    return s;
  }

  /**
   * Opens an invocation of `bureau` (`kind`: fetch, step, scheduled). On D1 its statements are
   * counted against the configured limit, `shared` when several bureaus run in one invocation
   * (a cron event without a Workflow).
   */
  open(bureau: Bureau, kind: string, shared?: StatementCounter): Opened {
    const s = this.state(bureau);
    const counter = bureau.database.kind === 'd1' ? (shared ?? new StatementCounter(this.config.d1Limit)) : null;
    const db = bureau.database.kind === 'd1' ? d1Database(bureau.database.binding, counter!) : s.libsql!;
    const jobs = this.config.jobs;
    const invocation: Invocation | undefined = counter
      ? {
          statementsLeft: () => counter.left,
          continueJob: async (job) => {
            if (!jobs) throw new Error('This job needs more than one Worker invocation: bind a Workflow as JOBS ([[workflows]] in wrangler.toml, docs/deploy-workers.md).');
            const params: WorkflowParams = { bureau: bureau.host, job };
            await jobs.create({ id: job.id, params });
          },
        }
      : undefined;
    const log = this.telemetry.log;
    const started = Date.now();
    return {
      bureau,
      db,
      signer: s.signer,
      invocation,
      counter,
      ctx: (actor) => ({ db, clock: systemClock, config: bureau.config, signer: s.signer, invocation, actor }),
      report: (extra = {}) => {
        if (!counter || (kind === 'fetch' && counter.statements === 0)) return;
        // One line per invocation on D1: how close it came to D1's limits (ops alert on these).
        log.info({ invocation: kind, bureau: bureau.host ?? '*', statements: counter.statements, limit: counter.limit, slowestMs: counter.slowestMs, slowestSql: counter.slowestSql, durationMs: Date.now() - started, ...extra }, 'd1');
      },
    };
  }

  /** Resolves once `bureau` has an admin; a failed check (not migrated yet) is tried again next time. */
  ready(bureau: Bureau, opened: Opened): Promise<void> {
    const s = this.state(bureau);
    if (!s.ready) {
      const ready = ensureAdminOnce(opened.db, bureau);
      s.ready = ready;
      ready.catch(() => {
        if (s.ready === ready) s.ready = null;
      });
    }
    return s.ready;
  }
}

async function ensureAdminOnce(db: Db, bureau: Bureau): Promise<void> {
  try {
    const printed = await ensureAdmin(db, systemClock, bureau.adminToken);
    if (printed) console.log(`No admin existed for ${bureau.host ?? 'the bureau'}: created user "admin" with token (shown once): ${printed}`);
  } catch (err) {
    // Another isolate may have created the admin at the same moment (the username is unique).
    const [row] = await db.select({ n: count() }).from(users).where(eq(users.role, 'admin'));
    if (!row || row.n === 0) throw err;
  }
}
