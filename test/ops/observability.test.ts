/**
 * The real Node entry in its own process, through a whole scenario over HTTP (users, import,
 * invitations, taxpayer forms with a complaint, refusals, flags, audit, receipts) with its
 * scheduled jobs, witness and backups running: every stdout line is one JSON object, none holds a
 * token, a name, complaint or comment text or taxpayer data, and GET /metrics parses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomSeed, signerFromSeed } from '../../src/audit/signer.js';
import { listBackups } from '../../src/ops/backup.js';
import { startServer, type RunningServer } from '../support/node-server.js';
import { parseMetrics, type MetricFamily } from '../support/prometheus.js';
import { startWitness, type RunningWitness } from '../support/witness.js';
import { b64 } from './support.js';

const ORIGIN = 'observability.test/audit';
const WITNESS = 'witness.test/obs';
const ADMIN = `tgo_admin_obs_${Math.random().toString(36).slice(2)}`;
const METRICS = `metrics-scraper-secret-${Math.random().toString(36).slice(2)}`;
const BAD_TOKEN = 'tgo_BAD_TOKEN_never_logged_0123456789';
const OFFICER_NAME = '李观测';
const TAXPAYER = { code: 'TP-OBS-SECRET', name: '王纳税人观测' };
const COMMENT = '评论秘密文本 comment-secret';
const COMPLAINT = '投诉秘密文本 complaint-secret';

let server: RunningServer;
let witness: RunningWitness;
const dir = mkdtempSync(join(tmpdir(), 'tgo-obs-'));
const backups = join(dir, 'backups');
const secrets: string[] = [ADMIN, METRICS, BAD_TOKEN, OFFICER_NAME, TAXPAYER.code, TAXPAYER.name, COMMENT, COMPLAINT, 'comment-secret', 'complaint-secret'];

async function call(method: string, path: string, opts: { token?: string; json?: unknown; form?: Record<string, string> } = {}) {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers.origin = server.base;
    body = new URLSearchParams(opts.form).toString();
  }
  return fetch(`${server.base}${path}`, { method, headers, body });
}

const seed = randomSeed();
beforeAll(async () => {
  witness = await startWitness({ name: WITNESS, logOrigin: ORIGIN, logPublicKey: signerFromSeed(seed).publicKey });
  server = await startServer({
    DATABASE_URL: `file:${join(dir, 'app.db')}`,
    AUDIT_SIGNING_KEY: b64(seed),
    ADMIN_TOKEN: ADMIN,
    METRICS_TOKEN: METRICS,
    LOG_ORIGIN: ORIGIN,
    WITNESSES: witness.entry,
    SCHEDULE_MINUTES: '0.02',
    BACKUP_DIR: backups,
    BACKUP_EVERY_HOURS: '0.0005',
    BACKUP_KEEP: '2',
  });
});
afterAll(async () => {
  await server?.stop();
  await witness?.stop();
});

describe('a whole scenario on the Node entry', () => {
  let metrics: MetricFamily[];

  it('serves the scenario, runs its jobs and answers /metrics to its token only', async () => {
    const user = async (username: string, role: string, officerCode?: string) => {
      const res = await call('POST', '/api/v1/users', { token: ADMIN, json: { username, role, officerCode } });
      expect(res.status, await res.clone().text()).toBe(201);
      const { token } = (await res.json()) as { token: string };
      secrets.push(token);
      return token;
    };
    const hr = await user('obs-hr', 'hr');
    const intake = await user('obs-intake', 'intake');
    const imported = await call('POST', '/api/v1/import', {
      token: hr,
      json: {
        units: [{ code: 'U-OBS', name: '观测分局', peerGroup: 'urban' }],
        officers: [
          { code: 'O-OBS1', name: OFFICER_NAME, unitCode: 'U-OBS', team: 'service', hireDate: '2015-01-01', positionStartDate: '2018-01-01' },
          { code: 'O-OBS2', name: '赵监督', unitCode: 'U-OBS', team: 'service', hireDate: '2012-01-01', positionStartDate: '2016-01-01' },
        ],
        taxpayers: [{ code: TAXPAYER.code, name: TAXPAYER.name, category: 'general' }],
      },
    });
    expect(imported.status, await imported.clone().text()).toBe(200);
    const supervisor = await user('obs-sup', 'supervisor', 'O-OBS2');
    const invitation = async () => {
      const res = await call('POST', '/api/v1/invitations', { token: intake, json: { officerCode: 'O-OBS1', taxpayerCode: TAXPAYER.code, interactionRef: `obs-${Math.random()}` } });
      expect(res.status, await res.clone().text()).toBe(201);
      const { token } = (await res.json()) as { token: string };
      secrets.push(token);
      return token;
    };
    const [t1, t2, t3] = [await invitation(), await invitation(), await invitation()];
    const form = { professionalism: '5', attitude: '4', efficiency: '4', integrity: '5' };
    expect((await call('GET', `/f/${t1}`)).status).toBe(200);
    expect((await call('POST', `/f/${t1}`, { form: { ...form, comment: COMMENT, fileComplaint: '1', complaint: COMPLAINT } })).status).toBe(200);
    const plain = await call('POST', `/f/${t2}`, { form });
    expect(plain.status).toBe(200);
    const receipt = /\/verify\?index=(\d+)&(?:amp;)?hash=([0-9a-f]{64})/.exec(await plain.text())!;
    expect((await call('POST', `/f/${t1}`, { form })).status).toBe(410);
    expect((await call('POST', `/f/${t3}`, { form: { ...form, professionalism: '9' } })).status).toBe(400);
    expect((await call('POST', '/api/v1/flags/scan', { token: supervisor })).status).toBe(200);
    expect((await call('GET', '/api/v1/flags', { token: supervisor })).status).toBe(200);
    expect((await call('GET', '/api/v1/me', { token: BAD_TOKEN })).status).toBe(401);
    expect((await call('GET', `/verify?index=${receipt[1]}&hash=${receipt[2]}`)).status).toBe(200);
    expect((await call('GET', '/api/v1/audit/checkpoint')).status).toBe(200);

    // The scheduled jobs: the scan, the checkpoint and the witness every 1.2 s, a backup at start and every 1.8 s.
    for (const job of ['scan', 'checkpoint', 'witness', 'backup']) {
      await server.waitFor((l) => l.includes(`"job":"${job}"`) && l.includes('"outcome":"ok"'), `a successful ${job} job`);
    }
    await server.waitFor((l) => l.includes('"job":"backup"') && l.includes('"outcome":"ok"') && server.stdout().filter((x) => x.includes('"job":"backup"')).length >= 2, 'a second backup');

    expect((await call('GET', '/metrics')).status).toBe(401);
    expect((await call('GET', '/metrics', { token: hr })).status).toBe(401);
    const res = await call('GET', '/metrics', { token: METRICS });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    metrics = parseMetrics(await res.text());
  });

  it('/metrics parses and counts requests, forms, group commits, jobs, the audit log, witnesses and backups', () => {
    const family = (name: string) => {
      const f = metrics.find((m) => m.name === name);
      expect(f, name).toBeDefined();
      return f!;
    };
    /** The sum of the samples named `sample` whose labels include `labels`. */
    const value = (sample: string, labels: Record<string, string> = {}) =>
      metrics
        .flatMap((f) => f.samples)
        .filter((m) => m.name === sample && Object.entries(labels).every(([k, v]) => m.labels[k] === v))
        .reduce((sum, m) => sum + m.value, 0);
    expect(family('http_requests').type).toBe('counter');
    expect(value('http_requests_total', { method: 'POST', route: '/f/:token', status: '200' })).toBe(2);
    expect(value('http_requests_total', { method: 'POST', route: '/api/v1/users', status: '201' })).toBe(3);
    expect(family('http_request_duration_seconds').type).toBe('histogram');
    expect(value('http_request_duration_seconds_bucket', { method: 'POST', route: '/f/:token', le: '+Inf' })).toBe(4);
    expect(value('http_request_duration_seconds_count', { method: 'POST', route: '/f/:token' })).toBe(4);
    expect(value('feedback_form_submissions_total', { result: 'accepted' })).toBe(2);
    expect(value('feedback_form_submissions_total', { result: 'refused', status: '410' })).toBe(1);
    expect(value('feedback_form_submissions_total', { result: 'refused', status: '400' })).toBe(1);
    expect(value('feedback_group_commit_items_total')).toBeGreaterThanOrEqual(1);
    expect(value('feedback_group_commits_total')).toBeGreaterThanOrEqual(1);
    for (const job of ['scan', 'checkpoint', 'witness', 'backup']) {
      expect(value('job_runs_total', { job, outcome: 'ok' }), job).toBeGreaterThanOrEqual(1);
      expect(value('job_duration_seconds_count', { job }), job).toBeGreaterThanOrEqual(1);
      expect(value('job_last_success_timestamp_seconds', { job }), job).toBeGreaterThan(1_700_000_000);
    }
    expect(family('job_duration_seconds').type).toBe('histogram');
    expect(value('audit_log_entries')).toBeGreaterThan(10);
    expect(value('audit_checkpoint_size')).toBeGreaterThan(10);
    expect(family('audit_checkpoint_age_seconds').samples).toHaveLength(1);
    expect(value('audit_checkpoint_age_seconds')).toBeLessThan(120);
    expect(value('audit_witness_cosigned_size', { witness: WITNESS })).toBeGreaterThan(10);
    expect(family('audit_witness_lag_entries').samples).toHaveLength(1);
    expect(value('audit_rewound_checkpoints')).toBe(0);
    expect(family('backup_age_seconds').samples).toHaveLength(1);
    expect(value('backup_age_seconds')).toBeLessThan(120);
    expect(value('backup_last_checkpoint_size')).toBeGreaterThan(0);
    // Route labels are patterns: no token of a form link ever becomes a label.
    const routes = family('http_requests').samples.map((m) => m.labels.route!);
    expect(routes).toContain('/f/:token');
    for (const s of secrets) expect(routes.join(' ')).not.toContain(s);
  });

  it('writes one JSON object a line to stdout, with request and job fields and no token or personal data', async () => {
    await server.stop();
    const lines = server.stdout();
    expect(lines.length).toBeGreaterThan(25);
    const records = lines.map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${l}`);
      }
    });
    for (const r of records) expect(r).toMatchObject({ level: expect.any(Number), time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), msg: expect.any(String) });
    const requests = records.filter((r) => r.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(20);
    for (const r of requests) {
      expect(Object.keys(r).filter((k) => !['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'method', 'route', 'status', 'durationMs', 'actorKind', 'userId', 'role', 'error'].includes(k))).toEqual([]);
      expect(r).toMatchObject({ reqId: expect.any(String), method: expect.any(String), route: expect.any(String), status: expect.any(Number), durationMs: expect.any(Number) });
    }
    expect(requests).toContainEqual(expect.objectContaining({ method: 'POST', route: '/f/:token', status: 200, actorKind: 'anonymous' }));
    expect(requests).toContainEqual(expect.objectContaining({ method: 'POST', route: '/api/v1/import', status: 200, actorKind: 'user', role: 'hr', userId: expect.any(String) }));
    // Refused by the bearer middleware before routing: the pattern that answered is the middleware's.
    expect(requests).toContainEqual(expect.objectContaining({ method: 'GET', route: '/api/*', status: 401, error: 'unauthorized', actorKind: 'anonymous' }));
    const jobs = records.filter((r) => r.msg === 'job');
    expect(jobs).toContainEqual(expect.objectContaining({ job: 'scan', outcome: 'ok', raised: expect.any(Number), candidates: expect.any(Number), durationMs: expect.any(Number) }));
    expect(jobs).toContainEqual(expect.objectContaining({ job: 'checkpoint', outcome: 'ok', size: expect.any(Number) }));
    expect(jobs).toContainEqual(expect.objectContaining({ job: 'witness', outcome: 'ok', cosigned: 1 }));
    expect(jobs).toContainEqual(expect.objectContaining({ job: 'backup', outcome: 'ok', bytes: expect.any(Number), entries: expect.any(Number), checkpointSize: expect.any(Number) }));
    expect(secrets.length).toBeGreaterThan(10);
    const all = lines.join('\n');
    for (const s of secrets) expect(all.includes(s), `the log holds "${s}"`).toBe(false);
  });

  it('kept the newest two scheduled backups, each verified', () => {
    const kept = listBackups(backups);
    expect(kept).toHaveLength(2);
    for (const m of kept) expect(m.entries).toBeGreaterThan(0);
    expect(witness.state(ORIGIN)!.size).toBeGreaterThan(10);
  });
});
