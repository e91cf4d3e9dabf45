/**
 * Policies and publication under four eyes (DESIGN 3, issue 12): a policy takes effect only once
 * a second HR user approves it, from the quarter it names; any other policy makes a run a what-if
 * that is never published; the HR user who computed a run never publishes it.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedGrading, standardFixture } from '../support/grading.js';
import { pageRequest, refusedRoundTrip, signIn } from '../support/pages.js';
import { defaultPolicy, type Policy } from '../../scoring/policy.js';
import { canonicalJson } from '../../src/audit/canonical.js';
import { sha256Hex } from '../../src/core/ids.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const body = async (r: Response): Promise<Json> => (await r.json()) as Json;
const en = { 'accept-language': 'en' };

async function setup(now = '2026-10-10T08:00:00.000Z') {
  const t = await makeTestApp({ now });
  await seedGrading(t.db, standardFixture('2026Q3'));
  const hr1 = await t.userToken('hr', { username: 'hr1' });
  const hr2 = await t.userToken('hr', { username: 'hr2' });
  return { t, hr1, hr2 };
}

/** The default with a tenfold allowance: the "one HR user pays everyone 27,000 instead of 2,700". */
const generous = (): Policy => ({ ...structuredClone(defaultPolicy), version: 'v1-generous', baseAllowance: 30_000 });

const propose = (t: TestApp, token: string, document: unknown, effectiveFrom: string, reason = 'Allowance review') =>
  t.call('POST', '/api/v1/policies', { token, json: { document, effectiveFrom, reason } });
const decide = (t: TestApp, token: string, hash: string, decision: 'approve' | 'reject', reason = 'Checked') =>
  t.call('POST', `/api/v1/policies/${hash}/decision`, { token, json: { decision, reason } });
const startRun = async (t: TestApp, token: string, json: Json) => {
  const res = await t.call('POST', '/api/v1/grading-runs', { token, json });
  expect(res.status, await res.clone().text()).toBe(201);
  return body(res);
};
const actions = async (t: TestApp) => (await t.db.all<{ action: string }>(sql`select action from audit_entries order by seq`)).map((a) => a.action);

describe('the policy in effect', () => {
  it('is the built-in default until a policy is approved, so an existing database grades as before', async () => {
    const { t, hr1 } = await setup();
    const res = await t.call('GET', '/api/v1/policies?period=2026Q3', { token: hr1 });
    expect(res.status).toBe(200);
    const got = await body(res);
    expect(got.inEffect).toMatchObject({ builtIn: true, effectiveFrom: null, hash: await sha256Hex(canonicalJson(defaultPolicy)) });
    expect(got.inEffect.document).toEqual(defaultPolicy);
    expect(got.items).toEqual([]);
    const run = await startRun(t, hr1, { period: '2026Q3' });
    expect(run).toMatchObject({ whatIf: false, policyHash: got.inEffect.hash });
  });

  it('changes only through four eyes: proposed (201), never approved by its proposer (403), approved by a second HR user', async () => {
    const { t, hr1, hr2 } = await setup();
    const proposed = await propose(t, hr1, generous(), '2026Q4');
    expect(proposed.status, await proposed.clone().text()).toBe(201);
    const p = await body(proposed);
    expect(p).toMatchObject({ status: 'proposed', effectiveFrom: '2026Q4', hash: await sha256Hex(canonicalJson(generous())) });
    // Not in effect while it waits.
    expect((await body(await t.call('GET', '/api/v1/policies?period=2026Q4', { token: hr1 }))).inEffect.builtIn).toBe(true);
    // The same document cannot wait twice.
    expect((await propose(t, hr2, generous(), '2027Q1')).status).toBe(409);

    const self = await decide(t, hr1, p.hash, 'approve');
    expect(self.status).toBe(403);
    expect((await body(self)).code).toBe('own_proposal');
    const ok = await decide(t, hr2, p.hash, 'approve', 'Budget approved by the bureau meeting');
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect(await body(ok)).toMatchObject({ status: 'approved', decidedAt: '2026-10-10T08:00:00.000Z' });
    expect((await decide(t, hr2, p.hash, 'reject')).status).toBe(409);

    const now = await body(await t.call('GET', '/api/v1/policies?period=2026Q4', { token: hr1 }));
    expect(now.inEffect).toMatchObject({ builtIn: false, hash: p.hash, effectiveFrom: '2026Q4' });
    expect(now.inEffect.document.baseAllowance).toBe(30_000);
    // Earlier quarters keep their policy.
    expect((await body(await t.call('GET', '/api/v1/policies?period=2026Q3', { token: hr1 }))).inEffect.builtIn).toBe(true);
    // Every step is in the log.
    const acts = await actions(t);
    expect(acts.filter((a) => a.startsWith('policy.'))).toEqual(['policy.store', 'policy.propose', 'policy.approve']);
  });

  it('refuses a quarter already over, bad documents (naming the field) and other roles', async () => {
    const { t, hr1 } = await setup();
    const past = await propose(t, hr1, generous(), '2026Q3');
    expect(past.status).toBe(400);
    expect((await body(past)).errors).toEqual([expect.objectContaining({ path: 'effectiveFrom' })]);
    const bad = await propose(t, hr1, { ...generous(), tiers: [] }, '2027Q1');
    expect(bad.status).toBe(400);
    expect((await body(bad)).errors.map((e: Json) => e.path)).toContain('document.tiers');
    expect((await propose(t, hr1, undefined, '2027Q1')).status).toBe(400);
    const officer = await t.userToken('officer', { officerCode: 'O001' });
    expect((await propose(t, officer, generous(), '2027Q1')).status).toBe(403);
    expect(await t.db.all(sql`select id from policy_proposals`)).toEqual([]);
  });

  it('a policy approved for 2027Q1 is not used for 2026Q4', async () => {
    const { t, hr1, hr2 } = await setup('2026-12-01T08:00:00.000Z');
    const p = await body(await propose(t, hr1, generous(), '2027Q1'));
    expect((await decide(t, hr2, p.hash, 'approve')).status).toBe(200);
    t.clock.set('2027-01-10T08:00:00.000Z');
    const q4 = await body(await t.call('GET', '/api/v1/policies?period=2026Q4', { token: hr1 }));
    expect(q4.inEffect.builtIn).toBe(true);
    const q1 = await body(await t.call('GET', '/api/v1/policies?period=2027Q1', { token: hr1 }));
    expect(q1.inEffect.hash).toBe(p.hash);
    // A run of 2026Q4 is graded by the built-in default and pays 3,000 a quarter at coefficient 1.
    const run = await startRun(t, hr1, { period: '2026Q4' });
    expect(run.whatIf).toBe(false);
    expect(run.policyHash).toBe(q4.inEffect.hash);
    // The 2027Q1 policy used for 2026Q4 is a what-if.
    const early = await startRun(t, hr1, { period: '2026Q4', policy: generous() });
    expect(early.whatIf).toBe(true);
    expect((await t.call('POST', `/api/v1/grading-runs/${early.id}/publish`, { token: hr2 })).status).toBe(409);
  });
});

describe('runs under four eyes', () => {
  it('a custom-policy run is a what-if and can never be published', async () => {
    const { t, hr1, hr2 } = await setup();
    const run = await startRun(t, hr1, { period: '2026Q3', policy: generous() });
    expect(run.whatIf).toBe(true);
    for (const token of [hr2, await t.userToken('hr')]) {
      const res = await t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token });
      expect(res.status).toBe(409);
      expect((await body(res)).code).toBe('what_if_run');
    }
    const [{ n }] = await t.db.all<{ n: number }>(sql`select count(*) as n from grading_runs where status = 'published'`);
    expect(n).toBe(0);
    const [entry] = await t.db.all<{ action: string }>(sql`select action from audit_entries where entity_id = ${run.id}`);
    expect(entry!.action).toBe('grading_run.what_if');
  });

  it('the computing user cannot publish (403); a second HR user does, and the log names both', async () => {
    const { t, hr1, hr2 } = await setup();
    const run = await startRun(t, hr1, { period: '2026Q3' });
    const self = await t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: hr1 });
    expect(self.status).toBe(403);
    expect((await body(self)).code).toBe('maker_checker');
    const ok = await t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: hr2 });
    expect(ok.status).toBe(200);
    const entries = await t.db.all<{ actor: string; action: string }>(sql`select actor, action from audit_entries where entity_id = ${run.id} order by seq`);
    expect(entries).toEqual([
      { actor: 'user:hr1', action: 'grading_run.compute' },
      { actor: 'user:hr2', action: 'grading_run.publish' },
    ]);
  });

  it('an approved policy is what a run of its quarter uses; a run whose policy is no longer in effect is never published', async () => {
    const { t, hr1, hr2 } = await setup('2026-11-01T08:00:00.000Z');
    const p = await body(await propose(t, hr1, generous(), '2026Q4'));
    await decide(t, hr2, p.hash, 'approve');
    t.clock.set('2027-01-05T08:00:00.000Z');
    const run = await startRun(t, hr2, { period: '2026Q4' });
    expect(run).toMatchObject({ whatIf: false, policyHash: p.hash });
    const [row] = await t.db.all<{ payout: number }>(sql`select payout from grading_results where run_id = ${run.id} and tier = 3 limit 1`);
    expect(row!.payout).toBe(30_000);
    // The default is now a what-if for 2026Q4.
    const old = await startRun(t, hr2, { period: '2026Q4', policy: defaultPolicy });
    expect(old.whatIf).toBe(true);

    // A stored state in which the policy of a computed run is not (any longer) the one in effect
    // (a database graded by a built-in default that a later version replaced): refused, 409.
    const q3 = await startRun(t, hr1, { period: '2026Q3' });
    await t.db.run(sql`insert into policy_proposals (id, policy_hash, effective_from, reason, proposed_by, proposed_at, status, decided_by, decided_at)
      values ('pol_test', ${p.hash}, '2026Q3', 'stored', 'u1', '2026-06-01T00:00:00.000Z', 'approved', 'u2', '2026-06-02T00:00:00.000Z')`);
    const refused = await t.call('POST', `/api/v1/grading-runs/${q3.id}/publish`, { token: hr2 });
    expect(refused.status).toBe(409);
    expect((await body(refused)).code).toBe('policy_not_in_effect');
  });

  it('officers and supervisors read the policy in effect and the approved ones, not the proposals', async () => {
    const { t, hr1, hr2 } = await setup();
    const waiting = await body(await propose(t, hr1, { ...generous(), version: 'waiting' }, '2027Q2'));
    const approved = await body(await propose(t, hr1, generous(), '2027Q1'));
    await decide(t, hr2, approved.hash, 'approve');
    const officer = await t.userToken('officer', { officerCode: 'O001' });
    const got = await body(await t.call('GET', '/api/v1/policies', { token: officer }));
    expect(got.period).toBe('2026Q4');
    expect(got.items.map((i: Json) => i.hash)).toEqual([approved.hash]);
    const all = await body(await t.call('GET', '/api/v1/policies', { token: hr2 }));
    expect(all.items.map((i: Json) => i.hash).sort()).toEqual([approved.hash, waiting.hash].sort());
    expect((await t.call('POST', `/api/v1/policies/${waiting.hash}/decision`, { token: officer, json: { decision: 'approve', reason: 'x' } })).status).toBe(403);
  });
});

describe('the policy pages', () => {
  it('HR sees the policy in effect in plain words and what a proposal changes; a second HR user decides it on the page', async () => {
    const { t, hr1, hr2 } = await setup();
    const s1 = await signIn(t, hr1);
    const s2 = await signIn(t, hr2);
    const empty = await (await pageRequest(t, 'GET', '/hr/policies', { session: s1 })).text();
    expect(empty).toContain('系统内置的默认方案');
    expect(empty).toContain('工作量 35%、业务测试 30%、纳税人评议 25%、任职年限 10%');
    expect(empty).toContain('5 级：综合分 ≥ 85，名额不超过参评人数的 15%，系数 1.30，每季度绩效奖金 3,900 元。');
    // The sentences name no raw codes (the JSON editor below them holds the document itself).
    const words = /data-testid="policy-in-effect">([\s\S]*?)<\/ul>/.exec(empty)![1]!;
    expect(words).toContain('重点税源户管户 5');
    expect(words).not.toMatch(/key_taxpayer|tax_law|baseAllowance|[A-Za-z]{4,}/);

    const posted = await pageRequest(t, 'POST', '/hr/policies', { session: s1, form: { effectiveFrom: '2027Q1', reason: '提高绩效奖金基数', document: JSON.stringify(generous()) } });
    expect(posted.status).toBe(303);
    const own = await (await pageRequest(t, 'GET', '/hr/policies', { session: s1 })).text();
    expect(own).toContain('绩效奖金基数：每季度 3,000 元 → 30,000 元（10 倍）');
    expect(own).toContain('这是您提出的方案，须由另一位人事人员审批。');
    const [{ policy_hash: hash }] = await t.db.all<{ policy_hash: string }>(sql`select policy_hash from policy_proposals`);
    // Post, redirect, get: refused, the browser goes back to the page, which says why once.
    const refused = await refusedRoundTrip(t, await pageRequest(t, 'POST', `/hr/policies/${hash}/decision`, { session: s1, form: { decision: 'approve', reason: '我自己批' } }), s1);
    expect(refused.location).toBe(`/hr/policies#decide-${hash}`);
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('提出方案的人事人员不能审批自己的提议');
    expect(refused.html).not.toContain('我自己批'); // a decision's reason never lands in the propose form
    expect(refused.cleared).toBe(true);
    expect(refused.refreshStatus).toBe(200);
    expect(refused.refresh).not.toContain('提出方案的人事人员不能审批自己的提议');
    // A decision the schema refuses comes back on its proposal's form with the reason as typed.
    const unclear = await refusedRoundTrip(t, await pageRequest(t, 'POST', `/hr/policies/${hash}/decision`, { session: s2, form: { decision: 'maybe', reason: '会上再议' } }), s2);
    expect(unclear.status).toBe(400);
    const form = unclear.html.slice(unclear.html.indexOf(`id="decide-${hash}"`));
    expect(form).toContain('class="notice error"');
    expect(form).toMatch(/name="reason" type="text" required="" maxlength="4000" value="会上再议"/);
    expect(unclear.refresh).not.toContain('会上再议');
    expect((await t.db.all<{ status: string }>(sql`select status from policy_proposals`))[0]!.status).toBe('proposed');

    const other = await (await pageRequest(t, 'GET', '/hr/policies', { session: s2, headers: en })).text();
    expect(other).toContain('Base allowance: 3,000 → 30,000 yuan a quarter (×10)');
    expect(other).toContain(`action="/hr/policies/${hash}/decision"`);
    const ok = await pageRequest(t, 'POST', `/hr/policies/${hash}/decision`, { session: s2, form: { decision: 'approve', reason: 'Agreed at the bureau meeting' } });
    expect(ok.status).toBe(303);
    const after = await (await pageRequest(t, 'GET', '/hr/policies', { session: s2, headers: en })).text();
    expect(after).toContain('Approved, in effect from 2027Q1');

    const badPost = await pageRequest(t, 'POST', '/hr/policies', { session: s1, form: { effectiveFrom: '2027Q1', reason: '调整基数', document: '{not json' } });
    expect(badPost.status).toBe(303);
    const bad = await refusedRoundTrip(t, badPost, s1);
    expect(bad.location).toBe('/hr/policies#pol-from');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('<p class="error field-error" id="pol-document-error">方案文档不是有效的 JSON');
    expect(bad.html).toMatch(/id="pol-document"[^>]*aria-invalid="true"[^>]*>\{not json<\/textarea>/);
    expect(bad.html).toContain('调整基数</textarea>');
    expect(bad.refresh).not.toContain('{not json');
  });

  it('an officer sees on /me the policy they will be graded by, and what the next approved one changes', async () => {
    const { t, hr1, hr2 } = await setup();
    const p = await body(await propose(t, hr1, generous(), '2027Q1'));
    await decide(t, hr2, p.hash, 'approve');
    const officer = await signIn(t, await t.userToken('officer', { officerCode: 'O004' }));
    const me = await (await pageRequest(t, 'GET', '/me', { session: officer })).text();
    expect(me).toContain('本季度（2026Q4）的评定方案');
    expect(me).toContain('工作量 35%、业务测试 30%、纳税人评议 25%、任职年限 10%');
    expect(me).toContain('绩效奖金基数：每季度 3,000 元，乘以能级系数。');
    expect(me).toContain('自 2027Q1 起改用新方案');
    expect(me).toContain('绩效奖金基数：每季度 3,000 元 → 30,000 元（10 倍）');
    const meEn = await (await pageRequest(t, 'GET', '/me', { session: officer, headers: en })).text();
    expect(meEn).toContain('Tier 5: composite ≥ 85, at most 15% of those graded, coefficient 1.30, 3,900 yuan a quarter.');
  });
});
