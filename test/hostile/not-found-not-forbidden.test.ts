/**
 * Issue 11: an officer asking for another officer's decision got 403, which tells them it exists.
 * What the caller may not know exists is answered exactly as what does not exist: the same 404
 * (or, for a reference inside a body, the same 400) with the same detail.
 */
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app.js';
import { json, officer, taxpayer } from '../support/oversight.js';
import { seedGrading, standardFixture } from '../support/grading.js';
import { pageRequest, signIn } from '../support/pages.js';

type Problem = { status: number; detail: string; errors?: { path: string; message: string }[] };

/** The problem with ids replaced, so "another's X" and "no such X" can be compared. */
const shape = (p: Problem, ...ids: string[]) => {
  let s = JSON.stringify({ status: p.status, detail: p.detail, errors: p.errors });
  for (const id of ids) s = s.split(id).join('<id>');
  return s;
};

describe('404 for what the caller may not know exists', () => {
  it("another officer's decision reads, and amends, as one that does not exist", async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    await officer(t, 'O1');
    await officer(t, 'O2');
    await taxpayer(t, 'TP1');
    const o1 = await t.userToken('officer', { officerCode: 'O1' });
    const o2 = await t.userToken('officer', { officerCode: 'O2' });
    const body = { type: 'deferral', taxpayerCode: 'TP1', justification: 'Hardship, documented.', decidedAt: '2026-09-30' };
    const dec = await json(await t.call('POST', '/api/v1/decisions', { token: o1, json: body }));

    const theirs = await t.call('GET', `/api/v1/decisions/${dec.id}`, { token: o2 });
    const none = await t.call('GET', '/api/v1/decisions/dec_nonexistent', { token: o2 });
    expect(theirs.status).toBe(404);
    expect(theirs.headers.get('content-type')).toContain('application/problem+json');
    expect(shape(await json(theirs), dec.id)).toBe(shape(await json(none), 'dec_nonexistent'));
    // The decider still reads it.
    expect((await t.call('GET', `/api/v1/decisions/${dec.id}`, { token: o1 })).status).toBe(200);

    const amendTheirs = await t.call('POST', '/api/v1/decisions', { token: o2, json: { ...body, amends: dec.id, amendReason: 'x' } });
    const amendNone = await t.call('POST', '/api/v1/decisions', { token: o2, json: { ...body, amends: 'dec_nonexistent', amendReason: 'x' } });
    expect(amendTheirs.status).toBe(amendNone.status);
    expect(shape(await json(amendTheirs), dec.id)).toBe(shape(await json(amendNone), 'dec_nonexistent'));
  });

  it("another officer's result and report read as ones that do not exist", async () => {
    const t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
    await seedGrading(t.db, standardFixture('2026Q3'));
    const hr = await t.userToken('hr');
    const o1 = await t.userToken('officer', { officerCode: 'O001' });
    const run = await json(await t.call('POST', '/api/v1/grading-runs', { token: hr, json: { period: '2026Q3' } }));
    expect((await t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: await t.userToken('hr', { username: 'hr-checker' }) })).status).toBe(200);

    const theirs = await t.call('GET', `/api/v1/grading-runs/${run.id}/results/O002`, { token: o1 });
    const none = await t.call('GET', `/api/v1/grading-runs/${run.id}/results/O999`, { token: o1 });
    expect(theirs.status).toBe(404);
    expect(shape(await json(theirs), 'O002')).toBe(shape(await json(none), 'O999'));
    expect((await t.call('GET', `/api/v1/grading-runs/${run.id}/results/O001`, { token: o1 })).status).toBe(200);

    const session = await signIn(t, o1);
    expect((await pageRequest(t, 'GET', `/reports/${run.id}/O002`, { session })).status).toBe(404);
    expect((await pageRequest(t, 'GET', `/reports/${run.id}/O001`, { session })).status).toBe(200);
  });
});
