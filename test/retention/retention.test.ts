/**
 * Retention (DESIGN 5): once a quarter is published and its appeal window closed, the invitation's
 * link to its taxpayer is cut; complaint and comment text is erased after 3 years; a taxpayer's
 * erasure request erases their personal data where the law allows. Each erasure is audited, the
 * log still verifies, and the results of published runs do not change.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedGrading, standardFixture } from '../support/grading.js';
import { goodForm, postForm } from '../support/feedback.js';
import { verifyLog } from '../../src/audit/verify.js';
import { runScheduled } from '../../src/scheduled.js';
import { runRetention, retentionCtx } from '../../src/retention/job.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function issue(t: TestApp, intake: string, officerCode: string, taxpayerCode: string, ref: string) {
  const res = await t.call('POST', '/api/v1/invitations', { token: intake, json: { officerCode, taxpayerCode, interactionRef: ref } });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; token: string };
}

/** A graded 2026Q3 with two form submissions in it (one with a complaint), one in 2026Q4, one never answered. */
async function world() {
  const t = await makeTestApp({ now: '2026-09-10T08:00:00.000Z' });
  await seedGrading(t.db, standardFixture('2026Q3'));
  await t.db.run(sql`insert into taxpayers (code, name, category) values ('92000001', '城东区王芳便利店', 'individual'), ('91000002', '示范市恒泰建材有限公司', 'general')`);
  const intake = await t.userToken('intake');
  const hr1 = await t.userToken('hr', { username: 'hr1' });
  const hr2 = await t.userToken('hr', { username: 'hr2' });
  const a = await issue(t, intake, 'O001', '92000001', 'HALL-A');
  expect((await postForm(t, a.token, { ...goodForm, comment: '等了很久 retention-comment-1', fileComplaint: '1', complaint: '态度恶劣 retention-complaint-1' })).status).toBe(200);
  const b = await issue(t, intake, 'O002', '91000002', 'HALL-B');
  expect((await postForm(t, b.token, { ...goodForm, comment: 'retention-comment-2' })).status).toBe(200);
  const unanswered = await issue(t, intake, 'O003', '92000001', 'HALL-C');
  t.clock.set('2026-10-05T08:00:00.000Z');
  const q4 = await issue(t, intake, 'O001', '92000001', 'HALL-D');
  expect((await postForm(t, q4.token, { ...goodForm, comment: 'retention-comment-q4' })).status).toBe(200);

  t.clock.set('2026-10-10T08:00:00.000Z');
  const run = await t.call('POST', '/api/v1/grading-runs', { token: hr1, json: { period: '2026Q3' } });
  const runId = ((await run.json()) as { id: string }).id;
  expect((await t.call('POST', `/api/v1/grading-runs/${runId}/publish`, { token: hr2 })).status).toBe(200);
  // The run's stored results (read from the database: tokens expire long before 3 years pass).
  const results = async () => t.db.all<Json>(sql`select * from grading_results where run_id = ${runId} order by officer_code`);
  return { t, hr1, hr2, intake, runId, results, inv: { a, b, unanswered, q4 } };
}

const invitation = async (t: TestApp, id: string) =>
  (await t.db.all<Json>(sql`select taxpayer_code, interaction_ref, commitment_nonce, link_cut_at from invitations where id = ${id}`))[0]!;
const entries = async (t: TestApp, action: string) => (await t.db.all<{ leaf: string; actor: string }>(sql`select leaf, actor from audit_entries where action = ${action} order by seq`)).map((e) => ({ actor: e.actor, payload: JSON.parse(e.leaf).payload as Json }));

describe('the retention job', () => {
  it('cuts the links of a published quarter only after its appeal window, through the scheduled jobs; results are unchanged', async () => {
    const w = await world();
    const { t } = w;
    const before = await w.results();
    const ctx = () => retentionCtx(t.ctx());

    t.clock.set('2026-10-25T08:00:00.000Z'); // day 15: appeals may still be filed
    expect(await runRetention({ ctx: ctx() })).toMatchObject({ closedQuarters: [], linksCut: 0 });
    expect((await invitation(t, w.inv.a.id)).taxpayer_code).toBe('92000001');

    t.clock.set('2026-10-26T08:00:00.000Z'); // day 16: the window has closed
    await runScheduled({ db: t.db, clock: t.clock, signer: t.deps.signer, config: t.deps.config! });
    for (const id of [w.inv.a.id, w.inv.b.id, w.inv.unanswered.id]) {
      expect(await invitation(t, id)).toEqual({ taxpayer_code: null, interaction_ref: `cut:${id}`, commitment_nonce: null, link_cut_at: '2026-10-26T08:00:00.000Z' });
    }
    // The 2026Q4 response is not in a closed quarter (nor are the fixture's responses of another period).
    expect((await invitation(t, w.inv.q4.id)).taxpayer_code).toBe('92000001');
    const cut = await entries(t, 'retention.cut_links');
    expect(cut).toHaveLength(1);
    expect(cut[0]).toMatchObject({ actor: 'system:retention', payload: { quarters: ['2026Q3'], invitations: expect.any(Number) } });
    const [{ n }] = await t.db.all<{ n: number }>(sql`select count(*) as n from invitations where link_cut_at is not null`);
    expect(cut[0]!.payload.invitations).toBe(n);
    expect(n).toBeGreaterThanOrEqual(3);
    // Ratings stay; nothing a grade depends on changed; the log still verifies.
    expect(await w.results()).toEqual(before);
    const again = await t.call('POST', '/api/v1/grading-runs', { token: w.hr2, json: { period: '2026Q3' } });
    const [published] = await t.db.all<{ input_digest: string }>(sql`select input_digest from grading_runs where id = ${w.runId}`);
    expect(((await again.json()) as { inputDigest: string }).inputDigest).toBe(published!.input_digest);
    expect((await verifyLog(t.db, t.deps.signer.publicKey)).ok).toBe(true);
    // A second run finds nothing more to do.
    expect((await runRetention({ ctx: ctx() })).linksCut).toBe(0);
  });

  it('erases complaint and comment text after 3 years, with the complaint flag evidence that still held text', async () => {
    const w = await world();
    const { t } = w;
    const before = await w.results();
    // A flag raised before this rule kept the text in its evidence.
    await t.db.run(sql`update flags set evidence = json_set(evidence, '$.text', '态度恶劣 retention-complaint-1') where rule = 'complaint'`);
    t.clock.set('2029-09-09T08:00:00.000Z'); // a day short of 3 years
    expect((await runRetention({ ctx: retentionCtx(t.ctx()) })).complaintsErased).toBe(0);
    t.clock.set('2029-09-11T08:00:00.000Z');
    const report = await runRetention({ ctx: retentionCtx(t.ctx()) });
    expect(report).toMatchObject({ complaintsErased: 1, responsesErased: 2 });
    const [c] = await t.db.all<Json>(sql`select text, text_erased_at, commitment_nonce from complaints`);
    expect(c).toEqual({ text: '', text_erased_at: '2029-09-11T08:00:00.000Z', commitment_nonce: null });
    const responses = await t.db.all<Json>(sql`select comment, complaint, text_erased_at from feedback_responses where comment is not null or text_erased_at is not null order by submitted_at`);
    expect(responses).toEqual([
      { comment: null, complaint: null, text_erased_at: '2029-09-11T08:00:00.000Z' },
      { comment: null, complaint: null, text_erased_at: '2029-09-11T08:00:00.000Z' },
      { comment: 'retention-comment-q4', complaint: null, text_erased_at: null }, // written 2026-10-05: not 3 years yet
    ]);
    const [flag] = await t.db.all<{ evidence: string }>(sql`select evidence from flags where rule = 'complaint'`);
    expect(flag!.evidence).not.toContain('retention-complaint-1');
    const dump = (await t.db.all<{ v: string }>(sql`select group_concat(coalesce(comment, '') || coalesce(complaint, ''), '|') as v from feedback_responses`))[0]!.v;
    expect(dump).not.toContain('retention-complaint-1');
    expect(await entries(t, 'retention.erase_text')).toEqual([{ actor: 'system:retention', payload: expect.objectContaining({ complaints: 1, responses: 2, writtenBefore: '2026-09-11T08:00:00.000Z' }) }]);
    expect(await w.results()).toEqual(before);
    expect((await verifyLog(t.db, t.deps.signer.publicKey)).ok).toBe(true);
    // The reviewer's page says the text is gone.
    const { signIn, pageRequest } = await import('../support/pages.js');
    const [{ id }] = await t.db.all<{ id: string }>(sql`select id from flags where rule = 'complaint'`);
    const sup = await signIn(t, await t.userToken('supervisor', { officerCode: 'O009' }));
    expect(await (await pageRequest(t, 'GET', `/flags/${id}`, { session: sup })).text()).toContain('投诉原文已按保存期限删除');
  });
});

describe("a taxpayer's erasure request", () => {
  it('erases an individual’s name, links and free text; decisions and assignments stay; the log names no one', async () => {
    const w = await world();
    const { t, hr1 } = w;
    const before = await w.results();
    const officer = await t.userToken('officer', { officerCode: 'O004' });
    const dec = await t.call('POST', '/api/v1/decisions', { token: officer, json: { type: 'deferral', taxpayerCode: '92000001', justification: 'hardship', decidedAt: '2026-10-01' } });
    expect(dec.status).toBe(201);
    await t.db.run(sql`insert into assignments (taxpayer_code, officer_code, from_date) values ('92000001', 'O004', '2025-01-01')`);

    expect((await t.call('POST', '/api/v1/taxpayers/92000001/erasure', { token: officer, json: { reason: 'x'.repeat(5) } })).status).toBe(403);
    expect((await t.call('POST', '/api/v1/taxpayers/NOPE/erasure', { token: hr1, json: { reason: 'request 2026-117' } })).status).toBe(404);
    const reason = 'Written request 2026-117 of 王芳 under PIPL art. 47';
    const res = await t.call('POST', '/api/v1/taxpayers/92000001/erasure', { token: hr1, json: { reason } });
    expect(res.status, await res.clone().text()).toBe(200);
    const out = (await res.json()) as Json;
    expect(out).toMatchObject({ taxpayerCode: '92000001', erased: { name: true, invitations: 3, responses: 2, complaints: 1 }, kept: ['decisions', 'assignments', 'ratings'] });

    const [tp] = await t.db.all<Json>(sql`select name, erased_at from taxpayers where code = '92000001'`);
    expect(tp).toEqual({ name: '', erased_at: '2026-10-10T08:00:00.000Z' });
    for (const id of [w.inv.a.id, w.inv.unanswered.id, w.inv.q4.id]) expect((await invitation(t, id)).taxpayer_code).toBeNull();
    expect((await invitation(t, w.inv.b.id)).taxpayer_code).toBe('91000002'); // someone else's
    const [c] = await t.db.all<{ text: string }>(sql`select text from complaints`);
    expect(c!.text).toBe('');
    expect(await t.db.all(sql`select comment from feedback_responses where comment like 'retention-comment-q4%' or comment like '%retention-comment-1%'`)).toEqual([]);
    const [d] = await t.db.all<{ taxpayer_code: string }>(sql`select taxpayer_code from decisions`);
    expect(d!.taxpayer_code).toBe('92000001');
    expect(await t.db.all(sql`select 1 from assignments where taxpayer_code = '92000001'`)).toHaveLength(1);

    // The log: who erased, when, what kinds, a commitment to the request; no code, name or reason.
    const [erased] = await entries(t, 'taxpayer.erase');
    expect(erased).toMatchObject({ actor: 'user:hr1', payload: { category: 'individual', erased: out.erased, request: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const raw = (await t.db.all<{ leaf: string }>(sql`select leaf from audit_entries where action = 'taxpayer.erase'`))[0]!.leaf;
    for (const s of ['92000001', '王芳', 'PIPL']) expect(raw).not.toContain(s);
    const [{ nonce }] = await t.db.all<{ nonce: string }>(sql`select nonce from erasure_requests`);
    const [{ seq }] = await t.db.all<{ seq: number }>(sql`select seq from audit_entries where action = 'taxpayer.erase'`);
    const check = await t.call('POST', '/api/v1/audit/commitments/verify', { json: { index: seq, record: { taxpayerCode: '92000001', reason }, nonce } });
    expect(await check.json()).toMatchObject({ matches: true, field: 'request' });

    expect((await t.call('POST', '/api/v1/taxpayers/92000001/erasure', { token: hr1, json: { reason } })).status).toBe(409);
    // An import never brings the name back.
    const reimport = await t.call('POST', '/api/v1/import', { token: hr1, json: { taxpayers: [{ code: '92000001', name: '城东区王芳便利店', category: 'individual' }] } });
    expect(reimport.status).toBe(400);
    expect(((await reimport.json()) as Json).errors).toEqual([{ path: 'taxpayers[0].code', message: expect.stringContaining('erased') }]);
    expect(await w.results()).toEqual(before);
    expect((await verifyLog(t.db, t.deps.signer.publicKey)).ok).toBe(true);
  });

  it("keeps a legal person's name (not personal data) and still unlinks its feedback", async () => {
    const w = await world();
    const res = await w.t.call('POST', '/api/v1/taxpayers/91000002/erasure', { token: w.hr2, json: { reason: 'The company asked us to forget its feedback.' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ erased: { name: false, invitations: 1, responses: 1, complaints: 0 }, kept: ['decisions', 'assignments', 'ratings', 'name'] });
    const [tp] = await w.t.db.all<Json>(sql`select name, erased_at from taxpayers where code = '91000002'`);
    expect(tp!.name).toBe('示范市恒泰建材有限公司');
    expect((await invitation(w.t, w.inv.b.id)).taxpayer_code).toBeNull();
  });
});
