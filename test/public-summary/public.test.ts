/**
 * The public summary (一公开, DESIGN section 4): the quarter's figures, cells under 5 cases
 * suppressed, committed by their canonical-JSON hash in an audit leaf, and checked against it on
 * the page. The clock is 2026-10-15; the quarter published is 2026Q3.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { complaints, feedbackResponses, flags, invitations } from '../../db/schema.js';
import { canonicalJson } from '../../src/audit/canonical.js';
import { hashLeaf } from '../../src/audit/merkle.js';
import { sha256Hex, toHex } from '../../src/core/ids.js';
import { scheduledPublicSummary } from '../../src/public-summary/publish.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { json, officer, taxpayer } from '../support/oversight.js';
import { pageRequest } from '../support/pages.js';

let n = 0;
async function flagRows(t: TestApp, subject: string, rule: string, count: number, o: { raisedAt?: string; outcome?: 'confirmed' | 'false_positive'; closedAt?: string } = {}) {
  for (let i = 0; i < count; i++) {
    const at = o.raisedAt ?? '2026-08-10T08:00:00.000Z';
    await t.db.insert(flags).values({
      id: `flg_pub_${++n}`,
      rule,
      subjectCode: subject,
      conditionKey: `pub:${n}`,
      evidence: {},
      severity: 'medium',
      status: o.outcome ? 'closed' : 'open',
      outcome: o.outcome ?? null,
      raisedAt: at,
      updatedAt: at,
      closedAt: o.closedAt ?? null,
    });
  }
}

async function ratings(t: TestApp, officerCode: string, means: number[], period = '2026Q3') {
  await taxpayer(t, 'TPX');
  for (const mean of means) {
    const id = `pub_${++n}`;
    await t.db.insert(invitations).values({ id: `inv_${id}`, tokenHash: `h_${id}`, officerCode, taxpayerCode: 'TPX', interactionRef: `ref_${id}`, createdBy: 't', createdAt: '2026-08-01T00:00:00.000Z', expiresAt: '2099-01-01T00:00:00.000Z', usedAt: '2026-08-01T00:00:00.000Z' });
    await t.db.insert(feedbackResponses).values({ id: `rsp_${id}`, invitationId: `inv_${id}`, officerCode, period, submittedAt: '2026-08-01T00:00:00.000Z', professionalism: mean, attitude: mean, efficiency: mean, integrity: mean, mean });
    const at = period === '2026Q3' ? '2026-08-01T00:00:00.000Z' : '2026-10-05T00:00:00.000Z';
    if (mean === 1) await t.db.insert(complaints).values({ id: `cmp_${id}`, responseId: `rsp_${id}`, officerCode, text: 'SECRET', createdAt: at });
  }
}

/** U1: 6 bunching flags raised (5 confirmed in Q3), 2 complaints flags; 6 ratings (2 complaints). U2: 1 flag, 3 ratings. */
async function world() {
  const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
  await officer(t, 'O1', { unit: 'U1' });
  await officer(t, 'O2', { unit: 'U2' });
  await flagRows(t, 'O1', 'threshold_bunching', 5, { outcome: 'confirmed', closedAt: '2026-09-01T00:00:00.000Z' });
  await flagRows(t, 'O1', 'threshold_bunching', 1);
  await flagRows(t, 'O1', 'complaint', 2);
  await flagRows(t, 'O2', 'benford', 1, { outcome: 'false_positive', closedAt: '2026-09-02T00:00:00.000Z' });
  // Outside the quarter: raised in June, confirmed in October.
  await flagRows(t, 'O2', 'benford', 3, { raisedAt: '2026-06-10T00:00:00.000Z', outcome: 'confirmed', closedAt: '2026-10-02T00:00:00.000Z' });
  await ratings(t, 'O1', [5, 4, 4, 3, 1, 1]);
  await ratings(t, 'O2', [5, 5, 4]);
  await ratings(t, 'O2', [1, 1, 1, 1, 1], '2026Q4');
  return { t, hr: await t.userToken('hr') };
}

describe('the public summary', () => {
  it('publishes the quarter’s figures with cells under 5 suppressed, committed in an audit leaf that anyone can check', async () => {
    const { t, hr } = await world();
    expect((await t.call('GET', '/api/v1/public/2026Q3')).status).toBe(404);
    const pub = await t.call('POST', '/api/v1/public/2026Q3', { token: hr });
    expect(pub.status, await pub.clone().text()).toBe(201);
    const published = await json(pub);

    const res = await t.call('GET', '/api/v1/public/2026Q3');
    expect(res.status).toBe(200);
    const s = await json(res);
    expect(s.figures.flags.byRule).toEqual([
      { rule: 'benford', raised: null, confirmed: 0, dismissed: null },
      { rule: 'complaint', raised: null, confirmed: 0, dismissed: 0 },
      { rule: 'threshold_bunching', raised: 6, confirmed: 5, dismissed: 0 },
    ]);
    expect(s.figures.flags.byRuleAndUnit).toContainEqual({ rule: 'threshold_bunching', unitCode: 'U1', raised: 6, confirmed: 5, dismissed: 0 });
    expect(s.figures.units).toEqual([
      { unitCode: 'U1', unitName: 'Unit U1', responses: 6, feedbackAverage: 3, complaints: null },
      { unitCode: 'U2', unitName: 'Unit U2', responses: 3, feedbackAverage: null, complaints: 0 },
    ]);
    expect(s.figures.spotCheck).toBeNull();
    expect(JSON.stringify(s.figures)).not.toContain('SECRET');

    // The commitment: digest = SHA-256(canonical JSON of the figures); the leaf at auditIndex holds
    // it; the leaf hash is SHA-256(0x00 || leaf bytes).
    expect(s.digest).toBe(await sha256Hex(canonicalJson(s.figures)));
    expect(s.auditIndex).toBe(published.auditIndex);
    const leaf = JSON.parse(s.leaf);
    expect(leaf).toMatchObject({ action: 'public.summary', payload: { period: '2026Q3', version: 1, digest: s.digest } });
    expect(toHex(hashLeaf(s.leaf))).toBe(s.leafHash);
    const [entry] = await t.db.all<{ leaf_hash: string }>(sql`select leaf_hash from audit_entries where seq = ${s.auditIndex}`);
    expect(entry!.leaf_hash).toBe(s.leafHash);
    expect(s.matches).toBe(true);

    const page = await pageRequest(t, 'GET', '/public/2026Q3?lang=en');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-matches="true"');
    expect(html).toContain(s.digest);
    expect(html).toContain(`/verify?index=${s.auditIndex}&amp;hash=${s.leafHash}`);
    expect(html).toContain('under 5');
    const zh = await (await pageRequest(t, 'GET', '/public/2026Q3')).text();
    expect(zh).toContain('临界值聚集');
    expect(zh).toContain('不足5');
    expect(await (await pageRequest(t, 'GET', '/public')).text()).toContain('href="/public/2026Q3"');
  });

  it('shows a mismatch when the stored figures no longer match their commitment', async () => {
    const { t, hr } = await world();
    await t.call('POST', '/api/v1/public/2026Q3', { token: hr });
    await t.db.run(sql`update public_summaries set figures = json_set(figures, '$.units[0].responses', 60)`);
    const s = await json(await t.call('GET', '/api/v1/public/2026Q3'));
    expect(s.figures.units[0].responses).toBe(60);
    expect(s.matches).toBe(false);
    expect(await (await pageRequest(t, 'GET', '/public/2026Q3')).text()).toContain('data-matches="false"');
  });

  it('a new version supersedes the old; unended quarters, bad periods and other roles are refused', async () => {
    const { t, hr } = await world();
    expect((await t.call('POST', '/api/v1/public/2026Q4', { token: hr })).status).toBe(422);
    expect((await t.call('POST', '/api/v1/public/2026Q3', { token: await t.userToken('supervisor') })).status).toBe(403);
    expect((await t.call('GET', '/api/v1/public/2026-09')).status).toBe(400);
    await t.call('POST', '/api/v1/public/2026Q3', { token: hr });
    await flagRows(t, 'O2', 'benford', 5, { raisedAt: '2026-09-20T00:00:00.000Z' });
    expect((await json(await t.call('POST', '/api/v1/public/2026Q3', { token: hr }))).version).toBe(2);
    const s = await json(await t.call('GET', '/api/v1/public/2026Q3'));
    expect(s).toMatchObject({ version: 2, matches: true });
    expect(s.figures.flags.byRule[0]).toEqual({ rule: 'benford', raised: 6, confirmed: 0, dismissed: null });
  });

  it('the schedule publishes the last quarter once, 30 days after it ended', async () => {
    const { t } = await world();
    const ctx = () => t.ctx({ kind: 'system', name: 'public-summary' });
    expect(await scheduledPublicSummary({ ctx: ctx() })).toEqual({ period: '2026Q3', published: false });
    t.clock.set('2026-10-31T00:00:00.000Z');
    // Not for a quarter the service did not run in (its audit log has nothing from then)...
    expect(await scheduledPublicSummary({ ctx: ctx() })).toEqual({ period: '2026Q3', published: false });
    t.clock.set('2026-09-30T12:00:00.000Z');
    await t.userToken('officer', { officerCode: 'O1' });
    t.clock.set('2026-10-31T00:00:00.000Z');
    expect(await scheduledPublicSummary({ ctx: ctx() })).toEqual({ period: '2026Q3', published: true });
    expect(await scheduledPublicSummary({ ctx: ctx() })).toEqual({ period: '2026Q3', published: false });
    expect((await json(await t.call('GET', '/api/v1/public/2026Q3'))).matches).toBe(true);
  });
});
