import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { followRedirect, pageRequest, signIn } from '../support/pages.js';
import { officerWorld } from '../support/officer.js';
import { decisionsFor } from '../support/oversight.js';

const en = { 'accept-language': 'en' };

/** Text of an element marked with data-testid (first match), tags stripped. */
function testid(html: string, id: string): string {
  const m = new RegExp(`data-testid="${id}"[^>]*>([\\s\\S]*?)</(dl|section|p|tr)>`).exec(html);
  return m ? m[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() : '';
}

describe('/me: record, published results, appeals', () => {
  it('shows the own record and only published results, with rank of graded, payout and the report link', async () => {
    const w = await officerWorld();
    const res = await pageRequest(w.t, 'GET', '/me', { session: w.officer, headers: en });
    expect(res.status).toBe(200);
    const html = await res.text();
    const record = testid(html, 'own-record');
    expect(record).toContain('李四');
    expect(record).toContain('市区分局 (U-CITY)');
    expect(record).toMatch(/In position since \d{4}-\d{2}-\d{2}/);

    const [row] = await w.t.db.all<{ composite: number; tier: number; rank: number; payout: number; workload: number }>(
      sql`select composite, tier, rank, payout, workload from grading_results where run_id = ${w.publishedRun} and officer_code = 'O004'`,
    );
    const [{ n }] = await w.t.db.all<{ n: number }>(sql`select count(*) as n from grading_results where run_id = ${w.publishedRun} and status = 'graded'`);
    expect(html).toContain(`data-run="${w.publishedRun}"`);
    expect(html).toContain(`2026Q3 · tier ${row!.tier}`);
    expect(html).toContain(row!.composite.toFixed(2));
    expect(html).toContain(`workload ${row!.workload.toFixed(2)}`);
    expect(html).toContain(`${row!.rank} of ${n}`);
    expect(html).toContain(row!.payout.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    expect(html).toContain(`href="/reports/${w.publishedRun}/O004"`);
    // The 2026Q2 run is computed but not published: nothing of it reaches the officer.
    expect(html).not.toContain(w.unpublishedRun);
    expect(html).not.toMatch(/data-testid="result"[^>]*data-period="2026Q2"/);
    // The linked report page opens for the officer.
    expect((await pageRequest(w.t, 'GET', `/reports/${w.publishedRun}/O004`, { session: w.officer })).status).toBe(200);
  });

  it('files an appeal within the window, once, and shows its status; after 15 days the form is gone', async () => {
    const w = await officerWorld();
    const page = await (await pageRequest(w.t, 'GET', '/me', { session: w.officer, headers: en })).text();
    expect(page).toContain(`action="/me/appeals/${w.publishedRun}"`);
    expect(page).toContain('until 2026-10-25 inclusive');

    const empty = await followRedirect(w.t, await pageRequest(w.t, 'POST', `/me/appeals/${w.publishedRun}`, { session: w.officer, form: { reason: '  ' }, headers: en }), w.officer, en);
    expect(empty.status).toBe(400);

    const res = await pageRequest(w.t, 'POST', `/me/appeals/${w.publishedRun}`, { session: w.officer, form: { reason: 'My workload of September is missing.' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/me?appealed=${w.publishedRun}#results`);
    const [appeal] = await w.t.db.all<{ officer_code: string; status: string; reason: string }>(sql`select officer_code, status, reason from appeals`);
    expect(appeal).toEqual({ officer_code: 'O004', status: 'pending', reason: 'My workload of September is missing.' });

    const after = await (await pageRequest(w.t, 'GET', '/me', { session: w.officer, headers: en })).text();
    expect(testid(after, 'appeal-status')).toContain('Appeal: pending');
    expect(after).not.toContain(`action="/me/appeals/${w.publishedRun}"`);
    expect(after).toContain('data-testid="appeal-row"');

    const again = await followRedirect(w.t, await pageRequest(w.t, 'POST', `/me/appeals/${w.publishedRun}`, { session: w.officer, form: { reason: 'Again.' }, headers: en }), w.officer, en);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('one appeal per result');
  });

  it('closes the appeal window after 15 days', async () => {
    const w = await officerWorld();
    w.t.clock.set('2026-10-26T08:00:00.000Z');
    // Sessions last 12 hours: sign in again on the later day.
    const session = await signIn(w.t, w.officerToken);
    const html = await (await pageRequest(w.t, 'GET', '/me', { session, headers: en })).text();
    expect(html).not.toContain(`action="/me/appeals/`);
    expect(html).toContain('The appeal window closed on 2026-10-25.');
    const late = await followRedirect(w.t, await pageRequest(w.t, 'POST', `/me/appeals/${w.publishedRun}`, { session, form: { reason: 'Late.' } }), session);
    expect(late.status).toBe(409);
  });

  it('refuses an appeal against an unpublished run as if it did not exist', async () => {
    const w = await officerWorld();
    const res = await followRedirect(w.t, await pageRequest(w.t, 'POST', `/me/appeals/${w.unpublishedRun}`, { session: w.officer, form: { reason: 'Peek.' } }), w.officer);
    expect(res.status).toBe(404);
    const html = await res.text();
    // Said in the page's language, as any missing record: the same words as for a run that does not exist.
    expect(html).toContain('没有找到所请求的记录。');
    expect(html).not.toContain('No grading run');
    expect(html).not.toContain('data-testid="result" data-run="' + w.unpublishedRun);
  });
});

describe('/me: feedback averages, never single responses', () => {
  it('shows per-dimension averages from 5 responses up and withholds them below', async () => {
    const w = await officerWorld();
    // O006 has 6 accepted responses in 2026Q3, O004 has 4 (standardFixture: i % 7).
    await w.t.db.run(sql`update feedback_responses set comment = 'SECRET-COMMENT-' || id where officer_code in ('O004', 'O006')`);
    const six = await signIn(w.t, await w.t.userToken('officer', { username: 'o6', officerCode: 'O006' }));
    const html = await (await pageRequest(w.t, 'GET', '/me', { session: six, headers: en })).text();
    const [avg] = await w.t.db.all<{ p: number; a: number; e: number; i: number; m: number }>(
      sql`select avg(professionalism) as p, avg(attitude) as a, avg(efficiency) as e, avg(integrity) as i, avg(mean) as m from feedback_responses where officer_code = 'O006' and period = '2026Q3' and status = 'accepted'`,
    );
    const q3 = /data-testid="feedback-row" data-period="2026Q3">([\s\S]*?)<\/tr>/.exec(html)![1]!;
    for (const v of [avg!.p, avg!.a, avg!.e, avg!.i, avg!.m]) expect(q3).toContain(v.toFixed(2));
    expect(q3).toContain('>6<');
    expect(html).not.toContain('SECRET-COMMENT');

    const four = await (await pageRequest(w.t, 'GET', '/me', { session: w.officer, headers: en })).text();
    const q3four = /data-testid="feedback-row" data-period="2026Q3">([\s\S]*?)<\/tr>/.exec(four)![1]!;
    expect(q3four).toContain('>4<');
    expect(q3four).toContain('fewer than 5: not shown');
    expect(four).not.toContain('SECRET-COMMENT');
  });

  it('shows no flag that was never put to the officer (due process tells them when a review starts)', async () => {
    const w = await officerWorld();
    // O002 has two confirmed flags and a false positive in the fixture, none ever put to them.
    const two = await signIn(w.t, await w.t.userToken('officer', { username: 'o2', officerCode: 'O002' }));
    const html = await (await pageRequest(w.t, 'GET', '/me', { session: two, headers: en })).text();
    expect(html).toContain('data-testid="no-notices"');
    expect(html).not.toMatch(/flg_O002/);
    expect(html).not.toContain('false_positive');
  });
});

describe('/me/decisions: record, receipt, amend, list', () => {
  const form = (over: Record<string, string> = {}) => ({
    type: 'assessed_turnover',
    taxpayerCode: 'TP-A',
    amount: '19,800',
    threshold: '',
    violationType: '',
    justification: 'Turnover assessed from three months of invoices.',
    decidedAt: '2026-10-09',
    investigators: 'O001, O002',
    ...over,
  });

  it('records a decision through the form and shows the receipt that /verify accepts', async () => {
    const w = await officerWorld();
    const res = await pageRequest(w.t, 'POST', '/me/decisions', { session: w.officer, form: form() });
    expect(res.status).toBe(303);
    const loc = res.headers.get('location')!;
    expect(loc).toMatch(/^\/me\/decisions\/dec_[^?]+\?recorded=1$/);
    const id = decodeURIComponent(loc.slice('/me/decisions/'.length).split('?')[0]!);

    const [d] = await w.t.db.all<{ decider_code: string; amount: number; audit_index: number; decided_at: string }>(
      sql`select decider_code, amount, audit_index, decided_at from decisions where id = ${id}`,
    );
    expect(d).toEqual({ decider_code: 'O004', amount: 19800, audit_index: expect.any(Number), decided_at: '2026-10-09' });
    const investigators = await w.t.db.all<{ officer_code: string }>(sql`select officer_code from decision_investigators where decision_id = ${id} order by officer_code`);
    expect(investigators).toEqual([{ officer_code: 'O001' }, { officer_code: 'O002' }]);
    // The panel is the service's: drawn at recording, pending its members' votes.
    const [review] = await w.t.db.all<{ status: string }>(sql`select status from decision_reviews where decision_id = ${id}`);
    expect(review).toEqual({ status: 'pending_review' });
    const [leaf] = await w.t.db.all<{ leaf_hash: string; action: string; entity_id: string }>(sql`select leaf_hash, action, entity_id from audit_entries where seq = ${d!.audit_index}`);
    expect(leaf!.action).toBe('decision.record');
    expect(leaf!.entity_id).toBe(id);

    const page = await (await pageRequest(w.t, 'GET', loc, { session: w.officer, headers: en })).text();
    expect(page).toContain('The decision was recorded');
    expect(page).toContain(`data-index="${d!.audit_index}"`);
    expect(page).toContain(`data-hash="${leaf!.leaf_hash}"`);
    expect(page).toContain(`href="/verify?index=${d!.audit_index}&amp;hash=${leaf!.leaf_hash}"`);

    const verify = await (await pageRequest(w.t, 'GET', `/verify?index=${d!.audit_index}&hash=${leaf!.leaf_hash}`, { headers: en })).text();
    expect(verify).toContain('data-server-result="included"');

    const list = await (await pageRequest(w.t, 'GET', '/me/decisions', { session: w.officer, headers: en })).text();
    expect(list).toContain(`data-id="${id}"`);
  });

  it('re-renders the form with field errors and keeps what was typed', async () => {
    const w = await officerWorld();
    const posted = await pageRequest(w.t, 'POST', '/me/decisions', { session: w.officer, form: form({ amount: '' }), headers: en });
    // A refused form goes back to its own page (post, redirect, get), where a refresh posts nothing.
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe('/me/decisions/new');
    const noAmount = await followRedirect(w.t, posted, w.officer, en);
    expect(noAmount.status).toBe(400);
    const html = await noAmount.text();
    expect(html).toContain('<p class="error field-error" id="dec-amount-error">This type of decision needs an amount</p>');
    expect(html).toMatch(/id="dec-amount"[^>]*aria-describedby="dec-amount-hint dec-amount-error" aria-invalid="true"/);
    expect(await (await pageRequest(w.t, 'GET', '/me/decisions/new', { session: w.officer, headers: en })).text()).not.toContain('id="dec-amount-error"');
    expect(html).toContain('Turnover assessed from three months of invoices.');
    expect(html).toContain('value="O001, O002"');

    const nan = await followRedirect(w.t, await pageRequest(w.t, 'POST', '/me/decisions', { session: w.officer, form: form({ amount: 'lots' }), headers: en }), w.officer, en);
    expect(nan.status).toBe(400);
    expect(await nan.text()).toContain('id="dec-amount-error">The amount is a number, 0 or more');

    const unknown = await followRedirect(w.t, await pageRequest(w.t, 'POST', '/me/decisions', { session: w.officer, form: form({ taxpayerCode: 'NOPE' }), headers: en }), w.officer, en);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('id="dec-taxpayer-error">There is no taxpayer NOPE');

    // The decider types no votes: the form has no panel to fill in, and a made-up field changes nothing.
    const blank = await (await pageRequest(w.t, 'GET', '/me/decisions/new', { session: w.officer, headers: en })).text();
    expect(blank).not.toContain('reviewer_vote');
    expect(blank).toContain('name="investigators"');
    const unknownInvestigator = await followRedirect(w.t, await pageRequest(w.t, 'POST', '/me/decisions', { session: w.officer, form: form({ investigators: 'X404' }), headers: en }), w.officer, en);
    expect(unknownInvestigator.status).toBe(400);
    expect(await unknownInvestigator.text()).toContain('id="dec-investigators-error">There is no officer X404');

    const xss = await followRedirect(w.t, await pageRequest(w.t, 'POST', '/me/decisions', { session: w.officer, form: form({ amount: '', justification: '<script>alert(1)</script>' }), headers: en }), w.officer, en);
    expect(xss.status).toBe(400);
    const xssHtml = await xss.text();
    expect(xssHtml).not.toContain('<script>alert(1)</script>');
    expect(xssHtml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');

    // Every error at once, the schema's and the rules' and the references', each tied to its field.
    const all = await followRedirect(
      w.t,
      await pageRequest(w.t, 'POST', '/me/decisions', { session: w.officer, form: form({ amount: '', justification: ' ', decidedAt: '2099-01-01', taxpayerCode: 'NOPE', investigators: 'O001 O001' }) }),
      w.officer,
    );
    const allHtml = await all.text();
    for (const id of ['dec-amount', 'dec-justification', 'dec-decided', 'dec-taxpayer', 'dec-investigators']) {
      expect(allHtml).toContain(`id="${id}-error"`);
      expect(allHtml).toContain(`<a href="#${id}">`);
      expect(allHtml).toMatch(new RegExp(`id="${id}"[^>]*aria-invalid="true"`));
    }
    expect(allHtml).toContain('决定日期不能晚于今天');
    expect(allHtml).toContain('O001 填写了两次');
    expect(allHtml).toContain('value="O001 O001"');

    const noCsrf = await pageRequest(w.t, 'POST', '/me/decisions', { session: w.officer, form: form(), csrf: false });
    expect(noCsrf.status).toBe(403);
    const [{ n }] = await w.t.db.all<{ n: number }>(sql`select count(*) as n from decisions`);
    expect(n).toBe(0);
  });

  it('amends an own decision as a new record; the original stays and cannot be amended twice', async () => {
    const w = await officerWorld();
    const first = (await pageRequest(w.t, 'POST', '/me/decisions', { session: w.officer, form: form() })).headers.get('location')!;
    const origId = decodeURIComponent(first.slice('/me/decisions/'.length).split('?')[0]!);
    const detail = await (await pageRequest(w.t, 'GET', `/me/decisions/${origId}`, { session: w.officer, headers: en })).text();
    expect(detail).toContain(`action="/me/decisions/${origId}/amend"`);
    // The amend form is prefilled from the original.
    expect(detail).toContain('value="19800"');

    const amend = { amount: '21000', threshold: '', violationType: '', justification: 'Corrected after the March invoices arrived.', decidedAt: '2026-10-10', investigators: 'O001', amendReason: 'March invoices were missing.' };
    const noReasonPost = await pageRequest(w.t, 'POST', `/me/decisions/${origId}/amend`, { session: w.officer, form: { ...amend, amendReason: '' }, headers: en });
    expect(noReasonPost.headers.get('location')).toBe(`/me/decisions/${origId}#amend`);
    const noReason = await followRedirect(w.t, noReasonPost, w.officer, en);
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('id="dec-amend-reason-error">Give the reason for the amendment');

    const res = await pageRequest(w.t, 'POST', `/me/decisions/${origId}/amend`, { session: w.officer, form: amend });
    expect(res.status).toBe(303);
    const newId = decodeURIComponent(res.headers.get('location')!.slice('/me/decisions/'.length).split('?')[0]!);
    const rows = await w.t.db.all<{ id: string; amount: number; amends: string | null; amend_reason: string | null; type: string; taxpayer_code: string }>(
      sql`select id, amount, amends, amend_reason, type, taxpayer_code from decisions order by recorded_at, id`,
    );
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.id === origId)!.amount).toBe(19800);
    expect(rows.find((r) => r.id === newId)).toEqual({ id: newId, amount: 21000, amends: origId, amend_reason: 'March invoices were missing.', type: 'assessed_turnover', taxpayer_code: 'TP-A' });

    const orig = await (await pageRequest(w.t, 'GET', `/me/decisions/${origId}`, { session: w.officer, headers: en })).text();
    expect(orig).toContain(`Amended by ${newId}`);
    expect(orig).not.toContain(`action="/me/decisions/${origId}/amend"`);
    const again = await followRedirect(w.t, await pageRequest(w.t, 'POST', `/me/decisions/${origId}/amend`, { session: w.officer, form: amend, headers: en }), w.officer, en);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('already amended');
  });

  it("paginates the list and never shows another officer's decision", async () => {
    const w = await officerWorld();
    const mine = await decisionsFor(
      w.t,
      Array.from({ length: 25 }, (_, i) => ({ decider: 'O004', amount: 1000 + i, decidedAt: `2026-09-${String(i + 1).padStart(2, '0')}` })),
    );
    const [theirs] = await decisionsFor(w.t, [{ decider: 'O005', amount: 5 }]);
    const p1 = await (await pageRequest(w.t, 'GET', '/me/decisions', { session: w.officer, headers: en })).text();
    const ids1 = [...p1.matchAll(/data-testid="decision-row" data-id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids1).toHaveLength(20);
    expect(ids1[0]).toBe(mine[24]);
    const next = /href="(\/me\/decisions\?cursor=[^"]+)" rel="next"/.exec(p1)![1]!.replace(/&amp;/g, '&');
    const p2 = await (await pageRequest(w.t, 'GET', next, { session: w.officer, headers: en })).text();
    const ids2 = [...p2.matchAll(/data-testid="decision-row" data-id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids2).toEqual(mine.slice(0, 5).reverse());
    expect(p2).not.toContain('rel="next"');
    expect([...ids1, ...ids2]).not.toContain(theirs);

    const other = await pageRequest(w.t, 'GET', `/me/decisions/${theirs}`, { session: w.officer, headers: en });
    expect(other.status).toBe(404);
    const otherAmend = await pageRequest(w.t, 'POST', `/me/decisions/${theirs}/amend`, { session: w.officer, form: { justification: 'x', decidedAt: '2026-10-01', amendReason: 'x' } });
    expect(otherAmend.status).toBe(404);
  });
});

describe('/me: who may use it', () => {
  it('serves a supervisor with an officer record read-only; refuses others', async () => {
    const w = await officerWorld();
    const sup = await signIn(w.t, await w.t.userToken('supervisor', { username: 'sup-o1', officerCode: 'O001' }));
    const res = await pageRequest(w.t, 'GET', '/me', { session: sup, headers: en });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`data-run="${w.publishedRun}"`);
    expect(html).not.toContain(w.unpublishedRun);
    expect(html).not.toContain('action="/me/appeals/');
    expect(html).toContain('Appeals are filed from an officer account');
    expect((await pageRequest(w.t, 'GET', '/me/decisions/new', { session: sup })).status).toBe(403);
    // The verbs serve officers only; a supervisor posting anyway gets their refusal, shown.
    const appeal = await followRedirect(w.t, await pageRequest(w.t, 'POST', `/me/appeals/${w.publishedRun}`, { session: sup, form: { reason: 'x' }, headers: en }), sup, en);
    expect(appeal.status).toBe(403);
    expect(await appeal.text()).toContain('This needs one of the roles: officer');
    const record = await followRedirect(w.t, await pageRequest(w.t, 'POST', '/me/decisions', { session: sup, form: { type: 'deferral', taxpayerCode: 'TP-A', justification: 'x', decidedAt: '2026-10-01' }, headers: en }), sup, en);
    expect(record.status).toBe(403);
    expect((await pageRequest(w.t, 'GET', '/me/decisions', { session: sup })).status).toBe(200);

    const bare = await signIn(w.t, await w.t.userToken('supervisor', { username: 'sup-bare' }));
    const refused = await pageRequest(w.t, 'GET', '/me', { session: bare, headers: en });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('not linked to an officer record');

    const hr = await signIn(w.t, w.hr);
    expect((await pageRequest(w.t, 'GET', '/me', { session: hr })).status).toBe(403);
    const anon = await pageRequest(w.t, 'GET', '/me');
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe('/login?next=%2Fme');
  });

  it('speaks zh-CN by default and English on request', async () => {
    const w = await officerWorld();
    const zh = await (await pageRequest(w.t, 'GET', '/me', { session: w.officer })).text();
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain('我的报告');
    expect(zh).toContain('已发布的评定结果');
    const enHtml = await (await pageRequest(w.t, 'GET', '/me?lang=en', { session: w.officer })).text();
    expect(enHtml).toContain('Published grading results');
    const form = await (await pageRequest(w.t, 'GET', '/me/decisions/new', { session: w.officer })).text();
    expect(form).toContain('登记一项决定');
    expect(form).toContain('name="_csrf"');
    expect(form).toContain('value="2026-10-10"');
  });
});
