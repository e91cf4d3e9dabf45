/**
 * GET /metrics on Node: prom-client's registry, fed by the request and job records
 * (src/ops/telemetry.ts) and, at each scrape, by a few indexed reads of the database (audit log
 * size, latest checkpoint, witnesses, rewinds), the form's group-commit counters and the newest
 * backup manifest. Names and alerts: docs/operations.md; why prom-client and why Node only:
 * docs/adr/0039-metrics.md.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { AppConfig } from '../core/config.js';
import { latestCheckpoint } from '../audit/checkpoint.js';
import { treeSize } from '../audit/tree-store.js';
import { witnessLag } from '../audit/witness.js';
import { submissionQueue } from '../feedback/submit.js';
import { listBackups } from './backup.js';
import type { JobRecord, Metrics, RequestRecord } from './telemetry.js';

/** The taxpayer form's POST route (src/feedback/form-routes.tsx): its answers are the form's outcomes. */
const FORM_ROUTE = '/f/:token';

export function createMetrics(opts: { db: Db; config: Pick<AppConfig, 'witnesses'>; backupDir?: string }): Metrics {
  const { db } = opts;
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const seconds = () => Date.now() / 1000;

  const requests = new Counter({ name: 'http_requests_total', help: 'Requests by route pattern, method and status.', labelNames: ['method', 'route', 'status'] as const, registers });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer a request, by route pattern and method.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const forms = new Counter({
    name: 'feedback_form_submissions_total',
    help: 'Taxpayer form submissions: accepted (200, the thanks page) or refused (used, expired or unknown link, invalid answers, too large, rate limited), by status.',
    labelNames: ['result', 'status'] as const,
    registers,
  });
  const jobRuns = new Counter({ name: 'job_runs_total', help: 'Runs of the periodic jobs (scan, checkpoint, witness, backup) by outcome.', labelNames: ['job', 'outcome'] as const, registers });
  const jobDuration = new Histogram({
    name: 'job_duration_seconds',
    help: 'Duration of the periodic jobs.',
    labelNames: ['job'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900],
    registers,
  });
  const jobLastSuccess = new Gauge({ name: 'job_last_success_timestamp_seconds', help: 'When each job last succeeded (POSIX seconds).', labelNames: ['job'] as const, registers });

  // The form's group commit keeps running totals (GroupQueue.stats); each scrape adds what grew.
  const group = () => submissionQueue(db).stats as { groups?: number; items?: number; fallbacks?: number; maxItems?: number };
  const counted = { groups: 0, items: 0, fallbacks: 0 };
  const groupCounter = (name: string, help: string, field: keyof typeof counted) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        const now = Number(group()[field] ?? 0);
        if (now > counted[field]) this.inc(now - counted[field]);
        counted[field] = now;
      },
    });
  groupCounter('feedback_group_commits_total', 'Group-commit transactions of the taxpayer form.', 'groups');
  groupCounter('feedback_group_commit_items_total', 'Submissions written by group commits (divided by the groups: the mean group size).', 'items');
  groupCounter('feedback_group_commit_fallbacks_total', 'Groups whose transaction failed and whose items were retried one by one.', 'fallbacks');
  new Gauge({
    name: 'feedback_group_commit_max_items',
    help: 'The largest group written since start.',
    registers,
    collect() {
      this.set(Number(group().maxItems ?? 0));
    },
  });

  new Gauge({
    name: 'audit_log_entries',
    help: 'Entries in the audit log.',
    registers,
    async collect() {
      this.set(await treeSize(db));
    },
  });
  new Gauge({
    name: 'audit_checkpoint_size',
    help: 'Size of the latest signed checkpoint.',
    registers,
    async collect() {
      this.set((await latestCheckpoint(db))?.size ?? 0);
    },
  });
  new Gauge({
    name: 'audit_checkpoint_age_seconds',
    help: 'Age of the latest signed checkpoint (absent before the first).',
    registers,
    async collect() {
      this.reset();
      const cp = await latestCheckpoint(db);
      if (cp) this.set(seconds() - Date.parse(cp.timestamp) / 1000);
    },
  });
  new Gauge({
    name: 'audit_witness_cosigned_size',
    help: 'The largest tree each witness has cosigned.',
    labelNames: ['witness'] as const,
    registers,
    async collect() {
      this.reset();
      for (const w of await witnessLag(db, opts.config)) this.set({ witness: w.witness }, w.size);
    },
  });
  new Gauge({
    name: 'audit_witness_lag_entries',
    help: 'Entries of the log that each witness has not cosigned yet.',
    labelNames: ['witness'] as const,
    registers,
    async collect() {
      this.reset();
      for (const w of await witnessLag(db, opts.config)) this.set({ witness: w.witness }, w.lag);
    },
  });
  new Gauge({
    name: 'audit_rewound_checkpoints',
    help: 'Signed checkpoints of a history that a restore rewound (npm run restore --accept-rewind).',
    registers,
    async collect() {
      const rows = await db.all<{ n: number }>(sql`select count(*) as n from audit_rewound_checkpoints`);
      this.set(Number(rows[0]?.n ?? 0));
    },
  });

  if (opts.backupDir) {
    const dir = opts.backupDir;
    const newest = () => listBackups(dir).at(-1);
    new Gauge({
      name: 'backup_last_success_timestamp_seconds',
      help: 'When the newest verified backup in BACKUP_DIR was taken (absent before the first).',
      registers,
      collect() {
        this.reset();
        const m = newest();
        if (m) this.set(Date.parse(m.takenAt) / 1000);
      },
    });
    new Gauge({
      name: 'backup_age_seconds',
      help: 'Age of the newest verified backup in BACKUP_DIR (absent before the first).',
      registers,
      collect() {
        this.reset();
        const m = newest();
        if (m) this.set(seconds() - Date.parse(m.takenAt) / 1000);
      },
    });
    new Gauge({
      name: 'backup_last_bytes',
      help: 'Size of the newest backup.',
      registers,
      collect() {
        this.set(newest()?.bytes ?? 0);
      },
    });
    new Gauge({
      name: 'backup_last_checkpoint_size',
      help: 'Size of the latest signed checkpoint the newest backup holds.',
      registers,
      collect() {
        this.set(newest()?.checkpoint?.size ?? 0);
      },
    });
  }

  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    request(r: RequestRecord) {
      const status = String(r.status);
      requests.inc({ method: r.method, route: r.route, status });
      latency.observe({ method: r.method, route: r.route }, r.durationMs / 1000);
      if (r.method === 'POST' && r.route === FORM_ROUTE) forms.inc({ result: r.status === 200 ? 'accepted' : 'refused', status });
    },
    job(r: JobRecord) {
      jobRuns.inc({ job: r.job, outcome: r.outcome });
      jobDuration.observe({ job: r.job }, r.durationMs / 1000);
      if (r.outcome === 'ok') jobLastSuccess.set({ job: r.job }, seconds());
    },
  };
}
