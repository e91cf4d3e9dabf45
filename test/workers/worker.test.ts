import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, SIGNING_KEY, migrate, startWorker, workerOnD1 } from './support.js';

type Problem = { status: number; code: string; detail: string; errors?: { path: string; message: string }[] };

const onD1 = workerOnD1();
const { call } = onD1;

let users = 0;
const hrToken = (): Promise<string> => onD1.user('hr', `hr-w${++users}`);

describe('the Worker on D1', () => {
  it('answers /healthz and serves the OpenAPI document', async () => {
    const res = await call('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const doc = (await (await call('GET', '/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/import');
  });

  it('serves the /docs UI files from the assets binding', async () => {
    const page = await call('GET', '/docs');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/docs/assets/swagger-ui-bundle.js');
    const css = await call('GET', '/docs/assets/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect((await css.text()).length).toBeGreaterThan(10_000);
    const js = await call('GET', '/docs/assets/swagger-ui-bundle.js');
    expect(js.status).toBe(200);
    expect(await js.text()).toContain('SwaggerUIBundle');
    expect((await call('GET', '/docs/assets/nope.js')).status).toBe(404);
  });

  it('refuses a request without a token with 401 problem+json', async () => {
    const res = await call('GET', '/api/v1/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('created the admin from ADMIN_TOKEN on the first request; the admin creates an hr user', async () => {
    const me = await call('GET', '/api/v1/me', { token: ADMIN_TOKEN });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { role: string }).role).toBe('admin');
    const hr = await hrToken();
    expect(((await (await call('GET', '/api/v1/me', { token: hr })).json()) as { role: string }).role).toBe('hr');
  });

  it('imports JSON and CSV, reads officers back, and names bad rows', async () => {
    const hr = await hrToken();
    const res = await call('POST', '/api/v1/import', {
      token: hr,
      json: {
        units: [{ code: 'WU1', name: '第一税务分局', peerGroup: 'urban' }],
        officers: [
          { code: 'WO1', name: '张伟', unitCode: 'WU1', team: 'assessment', hireDate: '2015-03-01', positionStartDate: '2018-01-01' },
          { code: 'WO2', name: '李娜', unitCode: 'WU1', team: 'service', hireDate: '2020-07-01', positionStartDate: '2020-07-01', supervisorCode: 'WO1' },
        ],
        workload: [{ officerCode: 'WO1', period: '2026Q3', kind: 'key_taxpayer', count: 4 }],
      },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { imported: unknown }).imported).toEqual({ units: 1, officers: 2, workload: 1 });

    const csv = await call('POST', '/api/v1/import?kind=taxpayers', {
      token: hr,
      body: '\uFEFFcode,name,category\r\nWT1,"某某贸易有限公司, 分公司",key\r\nWT2,"王""五""",individual\r\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(csv.status, await csv.clone().text()).toBe(200);

    const list = await call('GET', '/api/v1/officers?unitCode=WU1', { token: hr });
    expect(list.status).toBe(200);
    const body = (await list.json()) as { items: { code: string; name: string; supervisorCode: string | null }[] };
    expect(body.items.map((o) => [o.code, o.name, o.supervisorCode])).toEqual([
      ['WO1', '张伟', null],
      ['WO2', '李娜', 'WO1'],
    ]);
    // A loop through a stored row (WO2 reports to WO1 in the database): the recursive read of
    // stored reporting lines has to work on D1 too.
    const loop = await call('POST', '/api/v1/import', {
      token: hr,
      json: { officers: [{ code: 'WO1', name: '张伟', unitCode: 'WU1', team: 'assessment', hireDate: '2015-03-01', positionStartDate: '2018-01-01', supervisorCode: 'WO2' }] },
    });
    expect(loop.status).toBe(400);
    const loopProblem = (await loop.json()) as { errors: { path: string; message: string }[] };
    expect(loopProblem.errors.map((e) => e.path)).toEqual(['officers[0].supervisorCode']);
    expect(loopProblem.errors[0]!.message).toContain('WO1 → WO2 → WO1');
    const tps = (await (await call('GET', '/api/v1/taxpayers', { token: hr })).json()) as { items: { code: string; name: string }[] };
    expect(tps.items.find((t) => t.code === 'WT1')!.name).toBe('某某贸易有限公司, 分公司');
    expect(tps.items.find((t) => t.code === 'WT2')!.name).toBe('王"五"');
    const periods = (await (await call('GET', '/api/v1/periods', { token: hr })).json()) as { items: { code: string; startDate: string }[] };
    expect(periods.items).toContainEqual({ code: '2026Q3', startDate: '2026-07-01', endDate: '2026-09-30' });

    const before = (await onD1.d1.prepare('select count(*) as n from audit_entries').first<{ n: number }>())!.n;
    const bad = await call('POST', '/api/v1/import?kind=officers', {
      token: hr,
      body: 'code,name,unitCode,team,hireDate,positionStartDate\nWO3,ok,WU1,t,2020-01-01,2020-01-01\nWO4,bad,WU404,t,2020-02-30,2020-03-01\nWO5,bad,WU1,t,2020-02-01,2020-01-01\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await bad.json()) as Problem;
    expect(problem.errors!.map((e) => e.path)).toEqual(['line 3: hireDate', 'line 3: unitCode', 'line 4: positionStartDate']);
    expect((await onD1.d1.prepare("select count(*) as n from officers where code = 'WO3'").first<{ n: number }>())!.n).toBe(0);
    expect((await onD1.d1.prepare('select count(*) as n from audit_entries').first<{ n: number }>())!.n).toBe(before);

    const malformed = await call('POST', '/api/v1/import', { token: hr, body: '{"units": [', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
  });

  it('keeps every statement of a large import within D1 limits', async () => {
    const hr = await hrToken();
    const n = 400; // 8 columns: 12 officers per statement, 34 statements in the batch
    const res = await call('POST', '/api/v1/import', {
      token: hr,
      json: {
        units: [{ code: 'WU2', name: 'County', peerGroup: 'county' }],
        officers: Array.from({ length: n }, (_, i) => ({ code: `WB${String(i).padStart(4, '0')}`, name: `干部${i}`, unitCode: 'WU2', team: 'service', hireDate: '2019-01-01', positionStartDate: '2019-01-01', leaveDate: '2030-01-01' })),
      },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await onD1.d1.prepare("select count(*) as n from officers where unit_code = 'WU2'").first<{ n: number }>())!.n).toBe(n);
  });

  it('appends gap-free audit entries, including one per imported kind', async () => {
    const results = (await onD1.d1.prepare('select seq, action from audit_entries order by seq').all<{ seq: number; action: string }>()).results as { seq: number; action: string }[];
    expect(results.length).toBeGreaterThan(5);
    expect(results.map((r) => r.seq)).toEqual(results.map((_, i) => i));
    const actions = results.map((r) => r.action);
    expect(actions[0]).toBe('user.create'); // the admin, created on the first request
    for (const a of ['import.units', 'import.officers', 'import.workload', 'import.taxpayers']) expect(actions).toContain(a);
    await expect(onD1.d1.prepare("update audit_entries set actor = 'mallory'").run()).rejects.toThrow(/append-only/);
  });

  it('runs the cron trigger', async () => {
    const worker = await onD1.mf.getWorker();
    const out = await worker.scheduled({ cron: '*/15 * * * *' });
    expect(out.outcome).toBe('ok');
  });
});

describe('a misconfigured Worker', () => {
  it('answers 503 problem+json naming the missing binding, and starts once it is set', async () => {
    const broken = await startWorker({ ADMIN_TOKEN, PUBLIC_URL: 'https://grading.test' });
    try {
      const res = await broken.dispatchFetch('https://grading.test/healthz');
      expect(res.status).toBe(503);
      const body = (await res.json()) as Problem;
      expect(body.detail).toMatch(/AUDIT_SIGNING_KEY/);
    } finally {
      await broken.dispose();
    }
    const ok = await startWorker({ ADMIN_TOKEN, AUDIT_SIGNING_KEY: SIGNING_KEY, PUBLIC_URL: 'https://grading.test' });
    try {
      // An unmigrated database is "not ready" rather than a crash.
      expect((await ok.dispatchFetch('https://grading.test/healthz')).status).toBe(503);
      await migrate(ok);
      expect((await ok.dispatchFetch('https://grading.test/healthz')).status).toBe(200);
    } finally {
      await ok.dispose();
    }
  });
});
