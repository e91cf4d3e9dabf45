/**
 * Several bureaus behind one Worker (DESIGN 7: one database per tenant): BUREAUS routes each host
 * name to its own D1 database, signing key, admin token, log origin and public URL. Nothing
 * crosses: not a row, not a token, not an audit entry; a host not in the table is a 404; the cron
 * runs every bureau's periodic jobs; a job handed to the Workflow finishes in its own bureau.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Miniflare } from 'miniflare';
import { callInit, type CallOpts } from '../support/request.js';
import { eventually, migrate, startWorker } from './support.js';

const key = (n: number) => Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 7 + n) % 256)).toString('base64');
const ADMIN_A = 'tgo_bureau_a_admin_token_0123456789';
const ADMIN_B = 'tgo_bureau_b_admin_token_9876543210';
const BUREAUS = {
  'a.grading.test': { database: 'DB_A', signingKey: 'SIGNING_KEY_A', adminToken: 'ADMIN_TOKEN_A', publicUrl: 'https://a.grading.test', bureauName: '甲市税务局', logOrigin: 'a.grading.test/audit' },
  'b.grading.test': { database: 'DB_B', signingKey: 'SIGNING_KEY_B', adminToken: 'ADMIN_TOKEN_B', publicUrl: 'https://b.grading.test', bureauName: '乙市税务局', logOrigin: 'b.grading.test/audit' },
};
const SECRETS = { SIGNING_KEY_A: key(1), SIGNING_KEY_B: key(2), ADMIN_TOKEN_A: ADMIN_A, ADMIN_TOKEN_B: ADMIN_B };

let mf: Miniflare;
beforeAll(async () => {
  // A low D1 limit, so a run of 600 officers does not fit one invocation and continues in the Workflow.
  mf = await startWorker({ BUREAUS, ...SECRETS, D1_QUERY_LIMIT: '80' } as never, { d1: { DB_A: 'bureau-a', DB_B: 'bureau-b' } });
  await migrate(mf, 'DB_A');
  await migrate(mf, 'DB_B');
});
afterAll(async () => {
  await mf?.dispose();
});

const at = (host: string) => (method: string, path: string, o: CallOpts<string> = {}) => mf.dispatchFetch(`https://${host}${path}`, callInit(method, o));
const a = at('a.grading.test');
const b = at('b.grading.test');
const rows = async (binding: string, q: string) => (await (await mf.getD1Database(binding)).prepare(q).all()).results as Record<string, unknown>[];
async function user(call: typeof a, admin: string, role: string, username: string, officerCode?: string) {
  const res = await call('POST', '/api/v1/users', { token: admin, json: { username, role, officerCode } });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

describe('bureaus by host name', () => {
  it('answers an unknown host with a 404 problem, and each bureau on its own host', async () => {
    const res = await mf.dispatchFetch('https://c.grading.test/healthz');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { code: string }).code).toBe('unknown_host');
    expect((await a('GET', '/healthz')).status).toBe(200);
    expect((await b('GET', '/healthz')).status).toBe(200);
  });

  it('keeps tokens, rows and audit entries apart', async () => {
    expect((await a('GET', '/api/v1/me', { token: ADMIN_A })).status).toBe(200);
    expect((await b('GET', '/api/v1/me', { token: ADMIN_B })).status).toBe(200);
    // Each admin token is its bureau's alone.
    expect((await b('GET', '/api/v1/me', { token: ADMIN_A })).status).toBe(401);
    expect((await a('GET', '/api/v1/me', { token: ADMIN_B })).status).toBe(401);
    const hrA = await user(a, ADMIN_A, 'hr', 'hr-a');
    expect((await b('GET', '/api/v1/me', { token: hrA })).status).toBe(401);

    const imported = await a('POST', '/api/v1/import', {
      token: hrA,
      json: {
        units: [{ code: 'AU1', name: '甲一分局', peerGroup: 'urban' }],
        officers: [{ code: 'AO1', name: '张伟', unitCode: 'AU1', team: 'service', hireDate: '2015-03-01', positionStartDate: '2018-01-01' }],
        taxpayers: [{ code: 'AT1', name: '甲公司', category: 'general' }],
      },
    });
    expect(imported.status, await imported.clone().text()).toBe(200);
    const hrB = await user(b, ADMIN_B, 'hr', 'hr-b');
    const listB = (await (await b('GET', '/api/v1/officers', { token: hrB })).json()) as { items: unknown[] };
    expect(listB.items).toEqual([]);
    expect(await rows('DB_B', 'select code from officers')).toEqual([]);
    expect(await rows('DB_A', 'select code from officers')).toEqual([{ code: 'AO1' }]);

    const actionsA = (await rows('DB_A', 'select action from audit_entries order by seq')).map((r) => r.action);
    const actionsB = (await rows('DB_B', 'select action from audit_entries order by seq')).map((r) => r.action);
    expect(actionsA).toContain('import.officers');
    expect(actionsB).not.toContain('import.officers');
    // Each log is its own tree from index 0, and names only its own users.
    const usersB = (await rows('DB_B', "select actor from audit_entries where actor like 'user:%'")).map((r) => r.actor);
    expect(usersB).not.toContain('user:hr-a');
    expect((await rows('DB_B', 'select min(seq) as s from audit_entries'))[0]!.s).toBe(0);
  });

  it('signs each log with its own key and origin, and links invitations to its own public URL', async () => {
    const keyA = (await (await a('GET', '/api/v1/audit/key')).json()) as Record<string, string>;
    const keyB = (await (await b('GET', '/api/v1/audit/key')).json()) as Record<string, string>;
    expect(JSON.stringify(keyA)).not.toBe(JSON.stringify(keyB));
    const cpA = (await (await a('GET', '/api/v1/audit/checkpoint')).json()) as { checkpoint: string };
    const cpB = (await (await b('GET', '/api/v1/audit/checkpoint')).json()) as { checkpoint: string };
    expect(cpA.checkpoint.split('\n')[0]).toBe('a.grading.test/audit');
    expect(cpB.checkpoint.split('\n')[0]).toBe('b.grading.test/audit');
    expect(cpA.checkpoint).toContain('\u2014 a.grading.test/audit ');
    expect(cpB.checkpoint).not.toContain('a.grading.test/audit');

    const intake = await user(a, ADMIN_A, 'intake', 'intake-a');
    const inv = await a('POST', '/api/v1/invitations', { token: intake, json: { officerCode: 'AO1', taxpayerCode: 'AT1', interactionRef: 'bureau-a-1' } });
    expect(inv.status, await inv.clone().text()).toBe(201);
    const { url } = (await inv.json()) as { url: string };
    expect(url.startsWith('https://a.grading.test/f/')).toBe(true);
    // The link is A's: at B the same token is unknown.
    const token = url.slice(url.lastIndexOf('/') + 1);
    expect((await a('GET', `/f/${token}`)).status).toBe(200);
    expect((await b('GET', `/f/${token}`)).status).toBe(404);
    const home = await (await b('GET', '/')).text();
    expect(home).toContain('乙市税务局');
    expect(home).not.toContain('甲市税务局');
  });

  it("continues a run too large for one invocation in the Workflow, in its own bureau's database", async () => {
    const hr = await user(b, ADMIN_B, 'hr', 'hr-b-run');
    const officers = Array.from({ length: 600 }, (_, i) => ({ code: `BO${String(i).padStart(3, '0')}`, name: `干部${i}`, unitCode: i % 2 ? 'BU1' : 'BU2', team: 'service', hireDate: '2015-01-01', positionStartDate: '2016-01-01' }));
    const res = await b('POST', '/api/v1/import', {
      token: hr,
      json: {
        units: [
          { code: 'BU1', name: '乙一分局', peerGroup: 'urban' },
          { code: 'BU2', name: '乙二分局', peerGroup: 'county' },
        ],
        officers,
        workload: officers.map((o, i) => ({ officerCode: o.code, period: '2026Q3', kind: 'general_taxpayer', count: (i * 37) % 101 })),
      },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const start = await b('POST', '/api/v1/grading-runs', { token: hr, json: { period: '2026Q3' } });
    expect(start.status, await start.clone().text()).toBe(202);
    const run = (await start.json()) as { id: string; status: string; jobId: string };
    expect(run.status).toBe('computing');
    const done = await eventually(async () => {
      const v = (await (await b('GET', `/api/v1/grading-runs/${run.id}`, { token: hr })).json()) as { status: string; counts: { graded: number; notGraded: number } };
      return v.status === 'computing' ? undefined : v;
    }, 'the run to be computed');
    expect(done.status).toBe('computed');
    expect(done.counts.graded + done.counts.notGraded).toBe(600);
    const job = (await (await b('GET', `/api/v1/jobs/${run.jobId}`, { token: hr })).json()) as { status: string; steps: number };
    expect(job.status).toBe('done');
    expect(job.steps).toBeGreaterThan(1);
    expect(await rows('DB_A', 'select id from grading_runs')).toEqual([]);
    expect(await rows('DB_A', 'select id from jobs')).toEqual([]);
    expect((await rows('DB_B', `select action from audit_entries where entity_id = '${run.id}'`)).map((r) => r.action)).toEqual(['grading_run.compute']);
  });

  it("runs every bureau's periodic jobs from the cron trigger", async () => {
    const before = { a: (await rows('DB_A', 'select count(*) as n from audit_checkpoints'))[0]!.n as number, b: (await rows('DB_B', 'select count(*) as n from audit_checkpoints'))[0]!.n as number };
    const worker = await mf.getWorker();
    expect((await worker.scheduled({ cron: '*/15 * * * *', scheduledTime: new Date(Date.UTC(2026, 9, 15, 8)) })).outcome).toBe('ok');
    for (const [binding, was] of [['DB_A', before.a], ['DB_B', before.b]] as const) {
      await eventually(async () => {
        const [r] = await rows(binding, 'select count(*) as n from audit_checkpoints');
        return (r!.n as number) > was ? true : undefined;
      }, `a new checkpoint in ${binding}`);
    }
  });
});

describe('a misconfigured table of bureaus', () => {
  it('answers 503 naming the binding a bureau lacks, or what two bureaus share', async () => {
    const missing = await startWorker({ BUREAUS: { ...BUREAUS, 'b.grading.test': { ...BUREAUS['b.grading.test'], database: 'DB_NONE' } }, ...SECRETS } as never, { d1: { DB_A: 'x-a', DB_B: 'x-b' } });
    try {
      const res = await missing.dispatchFetch('https://a.grading.test/healthz');
      expect(res.status).toBe(503);
      expect(((await res.json()) as { detail: string }).detail).toContain('BUREAUS.b.grading.test.database: DB_NONE is not a D1 binding');
    } finally {
      await missing.dispose();
    }
    const shared = await startWorker({ BUREAUS: { ...BUREAUS, 'b.grading.test': { ...BUREAUS['b.grading.test'], logOrigin: 'a.grading.test/audit', signingKey: 'SIGNING_KEY_A' } }, ...SECRETS } as never, {
      d1: { DB_A: 'y-a', DB_B: 'y-b' },
    });
    try {
      const detail = ((await (await shared.dispatchFetch('https://b.grading.test/healthz')).json()) as { detail: string }).detail;
      expect(detail).toContain('BUREAUS.b.grading.test.signingKey: the same signing key as a.grading.test');
      expect(detail).toContain('BUREAUS.b.grading.test.logOrigin: the same log origin as a.grading.test');
    } finally {
      await shared.dispose();
    }
  });
});
