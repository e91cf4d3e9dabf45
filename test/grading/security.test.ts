import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp } from '../support/app.js';
import { seedGrading, standardFixture } from '../support/grading.js';
import type { Role } from '../../db/schema.js';

/**
 * Every grading route x every role. `ok` is the status for an allowed role; everyone else gets
 * 403 (with a token) or 401 (without). Officers act as O001.
 */
type Case = { name: string; method: string; path: (ids: Ids) => string; json?: (ids: Ids) => unknown; allowed: Role[]; ok: number };
interface Ids {
  computed: string;
  published: string;
  adjustment: string;
  appeal: string;
}

const cases: Case[] = [
  { name: 'start a run', method: 'POST', path: () => '/api/v1/grading-runs', json: () => ({ period: '2026Q3', whatIf: true }), allowed: ['hr'], ok: 201 },
  { name: 'list runs', method: 'GET', path: () => '/api/v1/grading-runs', allowed: ['hr', 'officer'], ok: 200 },
  { name: 'one run', method: 'GET', path: (i) => `/api/v1/grading-runs/${i.published}`, allowed: ['hr', 'officer'], ok: 200 },
  { name: 'all results', method: 'GET', path: (i) => `/api/v1/grading-runs/${i.computed}/results`, allowed: ['hr'], ok: 200 },
  { name: 'own result', method: 'GET', path: (i) => `/api/v1/grading-runs/${i.published}/results/O001`, allowed: ['hr', 'officer'], ok: 200 },
  { name: 'compare', method: 'GET', path: (i) => `/api/v1/grading-runs/compare?a=${i.computed}&b=${i.published}`, allowed: ['hr'], ok: 200 },
  { name: 'export', method: 'GET', path: (i) => `/api/v1/grading-runs/${i.published}/export.csv`, allowed: ['hr'], ok: 200 },
  { name: 'propose', method: 'POST', path: (i) => `/api/v1/grading-runs/${i.computed}/adjustments`, json: () => ({ officerCode: 'O002', toTier: 1, reason: 'r' }), allowed: ['hr'], ok: 201 },
  { name: 'list adjustments', method: 'GET', path: (i) => `/api/v1/grading-runs/${i.computed}/adjustments`, allowed: ['hr'], ok: 200 },
  { name: 'decide adjustment', method: 'POST', path: (i) => `/api/v1/adjustments/${i.adjustment}/decision`, json: () => ({ decision: 'reject', reason: 'r' }), allowed: ['hr'], ok: 200 },
  { name: 'publish', method: 'POST', path: (i) => `/api/v1/grading-runs/${i.computed}/publish`, allowed: ['hr'], ok: 409 },
  { name: 'file appeal', method: 'POST', path: (i) => `/api/v1/grading-runs/${i.published}/appeals`, json: () => ({ reason: 'r' }), allowed: ['officer'], ok: 409 },
  { name: 'decide appeal', method: 'POST', path: (i) => `/api/v1/appeals/${i.appeal}/decision`, json: () => ({ outcome: 'dismissed', reason: 'r' }), allowed: ['hr'], ok: 200 },
  { name: 'list appeals', method: 'GET', path: () => '/api/v1/appeals', allowed: ['hr', 'officer'], ok: 200 },
  { name: 'my grades', method: 'GET', path: () => '/api/v1/me/grades', allowed: ['officer', 'supervisor'], ok: 200 },
];

const roles: Role[] = ['admin', 'hr', 'supervisor', 'officer', 'intake'];

describe.each(cases)('$method $name', (c) => {
  it.each([...roles, null as Role | null])('as %s', async (role) => {
    const t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
    await seedGrading(t.db, standardFixture('2026Q3'));
    const starter = await t.userToken('hr', { username: 'starter' });
    const proposer = await t.userToken('hr', { username: 'proposer' });
    const o1 = await t.userToken('officer', { username: 'o1', officerCode: 'O001' });
    const run = async () => ((await (await t.call('POST', '/api/v1/grading-runs', { token: starter, json: { period: '2026Q3' } })).json()) as { id: string }).id;
    const published = await run();
    await t.call('POST', `/api/v1/grading-runs/${published}/publish`, { token: proposer }); // a second HR user publishes
    const computed = await run();
    const adjustment = ((await (await t.call('POST', `/api/v1/grading-runs/${computed}/adjustments`, { token: proposer, json: { officerCode: 'O001', toTier: 1, reason: 'r' } })).json()) as { id: string }).id;
    const appeal = ((await (await t.call('POST', `/api/v1/grading-runs/${published}/appeals`, { token: o1, json: { reason: 'r' } })).json()) as { id: string }).id;
    const ids: Ids = { computed, published, adjustment, appeal };

    // The caller: a fresh user of the role (an officer acting as O001 again, so own-data rules hold).
    const token = role === null ? undefined : role === 'officer' ? o1 : await t.userToken(role, role === 'supervisor' ? { officerCode: 'O005' } : {});
    const res = await t.call(c.method, c.path(ids), { token, json: c.json?.(ids) });
    const expected = role === null ? 401 : c.allowed.includes(role) ? c.ok : 403;
    expect(res.status, await res.clone().text()).toBe(expected);
    if (expected >= 400) expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('grading in the OpenAPI document and idempotency', () => {
  it('lists every grading path and replays a run start with the same Idempotency-Key', async () => {
    const t = await makeTestApp();
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as { paths: Record<string, unknown> };
    for (const p of [
      '/api/v1/grading-runs',
      '/api/v1/grading-runs/{id}/results',
      '/api/v1/grading-runs/{id}/results/{officerCode}',
      '/api/v1/grading-runs/{id}/publish',
      '/api/v1/grading-runs/{id}/export.csv',
      '/api/v1/grading-runs/compare',
      '/api/v1/grading-runs/{id}/adjustments',
      '/api/v1/adjustments/{id}/decision',
      '/api/v1/grading-runs/{id}/appeals',
      '/api/v1/appeals/{id}/decision',
      '/api/v1/appeals',
      '/api/v1/me/grades',
    ]) expect(Object.keys(doc.paths)).toContain(p);

    await seedGrading(t.db, standardFixture('2026Q3'));
    const hr = await t.userToken('hr');
    const send = () => t.call('POST', '/api/v1/grading-runs', { token: hr, json: { period: '2026Q3' }, headers: { 'idempotency-key': 'run-2026Q3' } });
    const a = await send();
    const b = await send();
    expect(a.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(await b.json()).toEqual(await a.json());
    const [{ n }] = await t.db.all<{ n: number }>(sql`select count(*) as n from grading_runs`);
    expect(n).toBe(1);
  });
});
