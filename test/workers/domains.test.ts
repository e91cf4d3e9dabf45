/**
 * The other domains on D1, through the Worker: the reads and writes that batch raw SQL
 * aggregates (grading inputs, feedback submission, the audit tree) are where D1 and libsql differ.
 * Only the public contract (API.md) is asserted; each domain's own suite checks the details.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, workerOnD1 } from './support.js';

const { call, user } = workerOnD1();
let hr: string;
let supervisor: string;

beforeAll(async () => {
  hr = await user('hr', 'hr-domains');
  supervisor = await user('supervisor', 'sup-domains');
  const officers = Array.from({ length: 8 }, (_, i) => ({
    code: `D${i}`,
    name: `干部${i}`,
    unitCode: 'DU1',
    team: 'service',
    hireDate: '2019-01-01',
    positionStartDate: '2019-01-01',
  }));
  const res = await call('POST', '/api/v1/import', {
    token: hr,
    json: {
      units: [{ code: 'DU1', name: '城区分局', peerGroup: 'urban' }],
      officers,
      taxpayers: [{ code: 'DT1', name: '某某商贸', category: 'key' }],
      assignments: [{ taxpayerCode: 'DT1', officerCode: 'D1', from: '2025-01-01' }],
      workload: officers.map((o, i) => ({ officerCode: o.code, period: '2026Q3', kind: 'general_taxpayer', count: 10 + i * 3 })),
      assessments: officers.map((o, i) => ({ officerCode: o.code, category: 'tax_law', raw: 60 + i, max: 100, takenOn: '2026-08-01' })),
    },
  });
  expect(res.status, await res.clone().text()).toBe(200);
});

describe('other domains on D1', () => {
  it('computes a grading run from SQL aggregates and lists its results', async () => {
    const res = await call('POST', '/api/v1/grading-runs', { token: hr, json: { period: '2026Q3' } });
    expect(res.status, await res.clone().text()).toBe(201);
    const run = (await res.json()) as { id: string; status: string; inputDigest: string };
    expect(run.status).toBe('computed');
    expect(run.inputDigest).toMatch(/^[0-9a-f]{64}$/);
    const results = await call('GET', `/api/v1/grading-runs/${run.id}/results`, { token: hr });
    expect(results.status).toBe(200);
    const body = (await results.json()) as { items: { officerCode: string; status: string; tier: number | null }[] };
    expect(body.items.map((r) => r.officerCode).sort()).toEqual(['D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7']);
    expect(body.items.every((r) => r.status === 'graded')).toBe(true);
  });

  it('takes a taxpayer rating through the form and hands out a receipt', async () => {
    const inv = await call('POST', '/api/v1/invitations', { token: hr, json: { officerCode: 'D1', taxpayerCode: 'DT1', interactionRef: 'workers-ix-1' } });
    expect(inv.status, await inv.clone().text()).toBe(201);
    const { url } = (await inv.json()) as { url: string };
    const path = new URL(url).pathname;
    expect((await call('GET', path)).status).toBe(200);
    const submit = await call('POST', path, {
      body: 'professionalism=5&attitude=4&efficiency=5&integrity=5',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://grading.test' },
    });
    expect(submit.status).toBe(200);
    const again = await call('POST', path, {
      body: 'professionalism=1&attitude=1&efficiency=1&integrity=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://grading.test' },
    });
    expect(again.status).toBe(410);
  });

  it('scans flags, signs a checkpoint and verifies the log', async () => {
    const scan = await call('POST', '/api/v1/flags/scan', { token: supervisor });
    expect(scan.status, await scan.clone().text()).toBe(200);
    expect(typeof ((await scan.json()) as { raised: number }).raised).toBe('number');
    const cp = await call('GET', '/api/v1/audit/checkpoint', { headers: { accept: 'application/json' } });
    expect(cp.status).toBe(200);
    const verify = await call('GET', '/api/v1/audit/verify', { token: ADMIN_TOKEN });
    expect(verify.status).toBe(200);
    expect(((await verify.json()) as { ok: boolean }).ok).toBe(true);
  });

  it('answers every documented operation without a 5xx, for every staff role', async () => {
    const doc = (await (await call('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const tokens = { hr, supervisor, admin: ADMIN_TOKEN, intake: await user('intake', 'intake-domains') };
    const failures: string[] = [];
    for (const [role, token] of Object.entries(tokens)) {
      for (const [p, ops] of Object.entries(doc.paths)) {
        for (const method of Object.keys(ops)) {
          const path = p.replace(/\{[^}]+\}/g, 'nope');
          const res = await call(method.toUpperCase(), path, method === 'get' ? { token } : { token, json: {} });
          if (res.status >= 500) failures.push(`${role} ${method.toUpperCase()} ${p} -> ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
