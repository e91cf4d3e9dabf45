import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp } from '../support/app.js';
import { followRedirect, pageRequest, signIn } from '../support/pages.js';
import { seedGrading, standardFixture } from '../support/grading.js';

type Json = Record<string, any>;
const en = { 'accept-language': 'en' };
const zh = { 'accept-language': 'zh-CN' };

async function setup(now = '2026-10-10T08:00:00.000Z') {
  const t = await makeTestApp({ now });
  const f = standardFixture('2026Q3');
  // The standard fixture: O005 has no assessment, O007 (i % 7 = 0) no responses. O013 (a copy of
  // O001 with its assessments) has no workload rows and no responses.
  f.officers.push({ ...f.officers[0]!, code: 'O013', name: '王五', workload: {}, feedback: [], otherFeedback: [], otherWorkload: [] });
  await seedGrading(t.db, f);
  const tokens = { hr1: await t.userToken('hr', { username: 'hr1' }), hr2: await t.userToken('hr', { username: 'hr2' }), hr3: await t.userToken('hr', { username: 'hr3' }) };
  const sessions = { hr1: await signIn(t, tokens.hr1), hr2: await signIn(t, tokens.hr2), hr3: await signIn(t, tokens.hr3) };
  return { t, tokens, sessions };
}

describe('run pages: publish confirmation, discard, corrections and history', () => {
  it('the publish confirmation lists what the run is missing, with counts and names', async () => {
    const { t, tokens, sessions } = await setup();
    const run = (await (await t.call('POST', '/api/v1/grading-runs', { token: tokens.hr1, json: { period: '2026Q3' } })).json()) as Json;
    const html = await (await pageRequest(t, 'GET', `/hr/runs/${run.id}/publish`, { session: sessions.hr2, headers: en })).text();
    const count = (id: string) => Number(new RegExp(`data-testid="${id}" data-count="(\\d+)"`).exec(html)?.[1] ?? 0);
    // No workload rows: O013. No assessment: O005. No responses: O007 and O013.
    expect(count('gap-workload')).toBe(1);
    expect(html).toContain('1 graded officers have no workload rows in the period');
    expect(html).toMatch(/data-testid="gap-workload"[^]*?O013 王五/);
    expect(count('gap-assessment')).toBe(1);
    expect(html).toMatch(/data-testid="gap-assessment"[^]*?O005/);
    expect(count('gap-responses')).toBe(2);
    expect(html).toMatch(/data-testid="gap-responses"[^]*?O007 Officer 7、O013 王五/);
    expect(html).toContain('name="confirm"');
    const zhHtml = await (await pageRequest(t, 'GET', `/hr/runs/${run.id}/publish`, { session: sessions.hr2, headers: zh })).text();
    expect(zhHtml).toContain('2 名参评人员本期没有有效评议');
    expect(zhHtml).not.toContain('graded officers');
  });

  it('a provisional run has no publish button, says why, and can be discarded from the page', async () => {
    const { t, tokens, sessions } = await setup('2026-12-06T08:00:00.000Z');
    const run = (await (await t.call('POST', '/api/v1/grading-runs', { token: tokens.hr1, json: { period: '2026Q4' } })).json()) as Json;
    const confirm = await (await pageRequest(t, 'GET', `/hr/runs/${run.id}/publish`, { session: sessions.hr2, headers: zh })).text();
    expect(confirm).not.toContain('name="confirm"');
    expect(confirm).toContain('季度进行中计算的临时批次不能发布。');
    const forced = await followRedirect(t, await pageRequest(t, 'POST', `/hr/runs/${run.id}/publish`, { session: sessions.hr2, form: { confirm: 'yes' }, headers: zh }), sessions.hr2, zh);
    expect(forced.status).toBe(409);
    expect(await forced.text()).toContain('季度进行中计算的临时批次不能发布。');
    const page = await (await pageRequest(t, 'GET', `/hr/runs/${run.id}`, { session: sessions.hr1, headers: zh })).text();
    expect(page).toContain('临时（季度进行中）');

    const futurePost = await pageRequest(t, 'POST', '/hr/runs', { session: sessions.hr1, form: { period: '2027q1' }, headers: zh });
    expect(futurePost.headers.get('location')).toBe('/hr#period');
    const future = await followRedirect(t, futurePost, sessions.hr1, zh);
    expect(future.status).toBe(400);
    const futureHtml = await future.text();
    expect(futureHtml).toContain('该季度尚未开始，不能评定。');
    expect(futureHtml).toContain('value="2027q1"');
    // Not a quarter: the project's own words for the period field, not the browser's pattern message.
    const typo = await followRedirect(t, await pageRequest(t, 'POST', '/hr/runs', { session: sessions.hr1, form: { period: '2026Q5' }, headers: zh }), sessions.hr1, zh);
    expect(await typo.text()).toContain('请填写季度，例如 2026Q3（也可写 2026q3 或 2026-Q3）');

    // Discarding asks first: without the confirmation nothing happens and the form says why.
    const unconfirmed = await pageRequest(t, 'POST', `/hr/runs/${run.id}/discard`, { session: sessions.hr1, form: { reason: '季度未结束' } });
    expect(unconfirmed.headers.get('location')).toBe(`/hr/runs/${run.id}`);
    const asked = await followRedirect(t, unconfirmed, sessions.hr1);
    expect(asked.status).toBe(400);
    expect(await asked.text()).toMatch(/id="discard-confirm-error">作废前请勾选确认/);
    expect((await t.db.all<{ status: string }>(sql`select status from grading_runs where id = ${run.id}`))[0]!.status).toBe('computed');
    const gone = await pageRequest(t, 'POST', `/hr/runs/${run.id}/discard`, { session: sessions.hr1, form: { reason: '季度未结束', confirm: 'yes' } });
    expect(gone.status).toBe(303);
    const after = await (await pageRequest(t, 'GET', gone.headers.get('location')!, { session: sessions.hr1, headers: zh })).text();
    expect(after).toContain('本批次已作废。');
    expect(after).toContain('季度未结束');
    expect(after).toMatch(/data-action="grading_run.discard"/);
    // Hidden from the console's list unless asked for.
    const home = await (await pageRequest(t, 'GET', '/hr', { session: sessions.hr1, headers: zh })).text();
    expect(home).not.toContain(`/hr/runs/${run.id}"`);
    expect(home).toContain('显示已作废的批次（1 个）');
    expect(await (await pageRequest(t, 'GET', '/hr?discarded=1', { session: sessions.hr1 })).text()).toContain(`/hr/runs/${run.id}"`);
  });

  it('shows the effective tier and payout with the original beside them, the corrections and the history', async () => {
    const { t, tokens, sessions } = await setup();
    const run = (await (await t.call('POST', '/api/v1/grading-runs', { token: tokens.hr1, json: { period: '2026Q3' } })).json()) as Json;
    expect((await pageRequest(t, 'POST', `/hr/runs/${run.id}/publish`, { session: sessions.hr2, form: { confirm: 'yes' } })).status).toBe(303);
    const officer = await t.userToken('officer', { officerCode: 'O004' });
    const before = (await (await t.call('GET', `/api/v1/grading-runs/${run.id}/results/O004`, { token: officer })).json()) as Json;
    const to = before.tier === 5 ? 4 : 5;
    const appeal = (await (await t.call('POST', `/api/v1/grading-runs/${run.id}/appeals`, { token: officer, json: { reason: '评议被错记到别人名下' } })).json()) as Json;
    const decided = await pageRequest(t, 'POST', `/hr/appeals/${appeal.id}/decision`, { session: sessions.hr3, form: { outcome: 'upheld', correctedTier: String(to), reason: '核实后支持' } });
    expect(decided.status).toBe(303);
    const after = (await (await t.call('GET', `/api/v1/grading-runs/${run.id}/results/O004`, { token: officer })).json()) as Json;
    expect(after.effective).toMatchObject({ tier: to, correction: appeal.id });

    const page = await (await pageRequest(t, 'GET', `/hr/runs/${run.id}?sort=code`, { session: sessions.hr1, headers: zh })).text();
    const row = /<tr data-officer="O004">([^]*?)<\/tr>/.exec(page)![1]!;
    expect(row).toContain(`data-tier="${to}"`);
    expect(row).toContain(`（更正，原 ${before.tier} 级）`);
    // Pay as every page writes it: thousands separators and the fen (as on /me).
    const yuan = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(row).toContain(`${yuan(after.effective.payout)}（原 ${yuan(before.payout)}）`);
    expect(yuan(3900)).toBe('3,900.00');
    expect(page).toMatch(/<tr data-correction="cor_[^"]+" data-officer="O004">/);
    expect(page).toContain(`/hr/runs/${run.id}/corrections.csv`);
    expect(page).toMatch(/data-action="grading_run.correct"/);
    expect(page).toContain(`O004：${before.tier} 级 → ${to} 级`);
    expect(page).not.toMatch(/>grading_run\./);

    const csv = await pageRequest(t, 'GET', `/hr/runs/${run.id}/corrections.csv?since=2026-10-01`, { session: sessions.hr1 });
    expect(csv.status).toBe(200);
    expect((await csv.text()).split('\r\n')[1]).toMatch(new RegExp(`^O004,李四,市区分局,${before.tier},`));

    // The officer's own page: the effective tier in the headline, the published one beside it.
    const me = await (await pageRequest(t, 'GET', '/me', { session: await signIn(t, officer), headers: zh })).text();
    expect(me).toContain(`2026Q3 · 能级 ${to}`);
    expect(me).toContain(`（申诉更正，原为 ${before.tier}）`);
    // HR's officer page and the report carry the correction line.
    const detail = await (await pageRequest(t, 'GET', `/hr/runs/${run.id}/officers/O004`, { session: sessions.hr1, headers: zh })).text();
    expect(detail).toContain(`申诉 ${appeal.id} 已支持：能级由 ${before.tier} 级更正为 ${to} 级`);
    const report = await (await pageRequest(t, 'GET', `/reports/${run.id}/O004`, { session: await signIn(t, officer), headers: en })).text();
    expect(report).toContain(`Appeal ${appeal.id} upheld: tier corrected from ${before.tier} to ${to}`);
  });
});
