import { describe, expect, it } from 'vitest';
import { workerOnD1 } from './support.js';

/** Grading on D1: the input batch, 100-parameter result chunks, json_extract in compare, CSV. */
const worker = workerOnD1();
const { call, user } = worker;

describe('grading runs on D1', () => {
  it('computes 60 officers, adjusts with two HR users, publishes, exports and compares', async () => {
    const hr1 = await user('hr', 'gr-hr1');
    const hr2 = await user('hr', 'gr-hr2');
    const n = 60;
    const officers = Array.from({ length: n }, (_, i) => ({
      code: `GO${String(i).padStart(3, '0')}`,
      name: i === 0 ? '王芳' : `Officer ${i}`,
      unitCode: i % 2 ? 'GU1' : 'GU2',
      team: i % 3 ? 'service' : 'assessment',
      hireDate: '2012-01-01',
      positionStartDate: `${2012 + (i % 12)}-03-01`,
    }));
    const imported = await call('POST', '/api/v1/import', {
      token: hr1,
      json: {
        units: [
          { code: 'GU1', name: '城区分局', peerGroup: 'urban' },
          { code: 'GU2', name: '县局', peerGroup: 'county' },
        ],
        officers,
        workload: officers.map((o, i) => ({ officerCode: o.code, period: '2026Q3', kind: 'general_taxpayer', count: (i * 37) % 101 })),
        assessments: officers.map((o, i) => ({ officerCode: o.code, category: 'tax_law', raw: 40 + ((i * 13) % 60), max: 100, takenOn: '2026-08-01' })),
      },
    });
    expect(imported.status, await imported.clone().text()).toBe(200);

    const start = await call('POST', '/api/v1/grading-runs', { token: hr1, json: { period: '2026Q3' } });
    expect(start.status, await start.clone().text()).toBe(201);
    const run = (await start.json()) as { id: string; inputDigest: string };
    const again = (await (await call('POST', '/api/v1/grading-runs', { token: hr1, json: { period: '2026Q3', whatIf: true, policy: undefined } })).json()) as { id: string; inputDigest: string };
    expect(again.inputDigest).toBe(run.inputDigest);

    const results = (await (await call('GET', `/api/v1/grading-runs/${run.id}/results?limit=1000`, { token: hr1 })).json()) as { items: { officerCode: string; tier: number; status: string }[] };
    expect(results.items.length).toBe(n);
    expect(results.items.every((r) => r.status === 'graded')).toBe(true);

    const target = results.items.find((r) => r.officerCode === 'GO000')!;
    const toTier = target.tier === 1 ? 2 : 1;
    const adj = (await (await call('POST', `/api/v1/grading-runs/${run.id}/adjustments`, { token: hr1, json: { officerCode: 'GO000', toTier, reason: 'D1 test' } })).json()) as { id: string };
    expect((await call('POST', `/api/v1/adjustments/${adj.id}/decision`, { token: hr1, json: { decision: 'approve', reason: 'self' } })).status).toBe(403);
    expect((await call('POST', `/api/v1/adjustments/${adj.id}/decision`, { token: hr2, json: { decision: 'approve', reason: 'ok' } })).status).toBe(200);

    const cmp = (await (await call('GET', `/api/v1/grading-runs/compare?a=${run.id}&b=${again.id}`, { token: hr1 })).json()) as { moved: number; byPeerGroup: { group: string }[] };
    expect(cmp.moved).toBe(1);
    expect(cmp.byPeerGroup.map((g) => g.group)).toEqual(['county', 'urban']);

    // Maker-checker: hr1 computed the run, hr2 publishes it.
    expect((await call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: hr1 })).status).toBe(403);
    expect((await call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: hr2 })).status).toBe(200);
    expect((await call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: hr2 })).status).toBe(409);
    const csv = await call('GET', `/api/v1/grading-runs/${run.id}/export.csv`, { token: hr1 });
    expect(csv.status).toBe(200);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.split('\r\n').length).toBe(n + 2);
    expect(text).toContain(`GO000,王芳,县局,${toTier},`);

    const officer = await user('officer', 'gr-o0', 'GO000');
    expect((await call('GET', `/api/v1/grading-runs/${run.id}/results/GO000`, { token: officer })).status).toBe(200);
    // Another officer's result reads as one that does not exist (a 403 would say it does).
    expect((await call('GET', `/api/v1/grading-runs/${run.id}/results/GO001`, { token: officer })).status).toBe(404);
  });

  it("renders REALs with printf('%!.17g') as text that reads back to the same double (the input read relies on it)", async () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values = [0.1 + 0.2, 1 / 3, 87.3, 99.99999999999999, 5e-324, 1e21 + 1];
    while (values.length < 400) values.push((rand() + rand() / 2 ** 26) * 10 ** Math.floor(rand() * 12 - 6));
    const d1 = worker.d1;
    await d1.prepare('create table reals (i integer primary key, x real)').run();
    await d1.batch(values.map((x, i) => d1.prepare('insert into reals (i, x) values (?1, ?2)').bind(i, x)));
    const { results } = await d1.prepare("select x, printf('%!.17g', x) as t from reals order by i").all<{ x: number; t: string }>();
    expect(results.map((r) => r.x)).toEqual(values);
    expect(results.filter((r) => !Object.is(Number(r.t), r.x)).map((r) => r.t)).toEqual([]);
  });
});
