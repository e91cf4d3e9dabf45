import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { workload } from '../../db/schema.js';
import { makeTestApp } from '../support/app.js';
import { followRedirect, pageRequest, signIn } from '../support/pages.js';
import { seedGrading, standardFixture } from '../support/grading.js';

type Json = Record<string, any>;
const zh = { 'accept-language': 'zh-CN' };
const en = { 'accept-language': 'en' };

async function setup(publish = ['2026Q1', '2026Q2', '2026Q3', '2026Q4']) {
  const t = await makeTestApp({ now: '2027-01-10T08:00:00.000Z' });
  const f = standardFixture('2026Q3');
  await seedGrading(t.db, f);
  await t.db.run(sql`delete from workload where period <> '2026Q3'`);
  for (const p of ['2026Q1', '2026Q2', '2026Q4']) {
    await t.db.insert(workload).values(f.officers.flatMap((o) => Object.entries(o.workload ?? {}).map(([kind, count]) => ({ officerCode: o.code, period: p, kind, count }))));
  }
  const tokens = { hr1: await t.userToken('hr', { username: 'hr1' }), hr2: await t.userToken('hr', { username: 'hr2' }), hr3: await t.userToken('hr', { username: 'hr3' }) };
  for (const p of ['2026Q1', '2026Q2', '2026Q3', '2026Q4']) {
    const run = (await (await t.call('POST', '/api/v1/grading-runs', { token: tokens.hr1, json: { period: p } })).json()) as Json;
    if (publish.includes(p)) await t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: tokens.hr2 });
  }
  const s = { hr1: await signIn(t, tokens.hr1), hr2: await signIn(t, tokens.hr2), hr3: await signIn(t, tokens.hr3) };
  return { t, tokens, s };
}

describe('annual review pages', () => {
  it('refuses a year with unpublished quarters in the page language, naming them', async () => {
    const { t, s } = await setup(['2026Q1', '2026Q2']);
    const posted = await pageRequest(t, 'POST', '/hr/annual', { session: s.hr1, form: { year: '2026' }, headers: zh });
    // Refused, back to the form (post, redirect, get), never left at the POST URL.
    expect(posted.headers.get('location')).toBe('/hr/annual');
    const res = await followRedirect(t, posted, s.hr1, zh);
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain('该年度还有季度没有已发布的批次，不能进行年度考核：2026Q3, 2026Q4');
    expect(html).not.toContain('No published run');
  });

  it('computes, shows the distribution with grade lines, the quota and the table; another HR user publishes; export', async () => {
    const { t, s } = await setup();
    const home = await (await pageRequest(t, 'GET', '/hr/annual', { session: s.hr1, headers: zh })).text();
    expect(home).toContain('name="year"');
    expect(home).toContain('value="2026"');
    const made = await pageRequest(t, 'POST', '/hr/annual', { session: s.hr1, form: { year: '2026' } });
    expect(made.status).toBe(303);
    const loc = made.headers.get('location')!.replace(/\?.*$/, '');
    expect(loc).toMatch(/^\/hr\/annual\/ann_/);
    const html = await (await pageRequest(t, 'GET', loc, { session: s.hr1, headers: zh })).text();
    expect(html).toContain('2026 年度考核');
    expect(html).toContain('<svg class="histogram"');
    expect([...html.matchAll(/class="tier-boundary" data-level="([a-z_]+)"/g)].map((m) => m[1])).toEqual(['excellent', 'competent', 'basically_competent']);
    expect(html).toContain('优秀 ≥80');
    const bars = [...html.matchAll(/data-count="(\d+)"/g)].map((m) => Number(m[1]));
    expect(bars.reduce((a, b) => a + b, 0)).toBe(11);
    expect(html).toMatch(/data-testid="quota">已用 \d\/1 个名额（15%）/);
    expect([...html.matchAll(/<tr data-officer="([^"]+)"/g)].length).toBe(12);
    expect(html).not.toMatch(/>(excellent|competent|basically_competent|incompetent|not_rated)</);

    // The computing user is refused in the page's words; another HR user publishes.
    const own = await followRedirect(t, await pageRequest(t, 'POST', `${loc}/publish`, { session: s.hr1, form: { confirm: 'yes' }, headers: zh }), s.hr1, zh);
    expect(own.status).toBe(403);
    expect(await own.text()).toContain('计算本批次（或本年度考核）的人事人员不能发布它，须由另一位人事人员发布。');
    expect(await (await pageRequest(t, 'GET', `${loc}/publish`, { session: s.hr2, headers: en })).text()).toContain('Confirm publication of the annual review');
    const pub = await pageRequest(t, 'POST', `${loc}/publish`, { session: s.hr2, form: { confirm: 'yes' } });
    expect(pub.status).toBe(303);
    expect(await (await pageRequest(t, 'GET', pub.headers.get('location')!, { session: s.hr2, headers: en })).text()).toContain('Annual review published.');
    const csv = await pageRequest(t, 'GET', `${loc}/export.csv`, { session: s.hr1 });
    expect(csv.status).toBe(200);
    expect((await csv.text()).split('\r\n')[0]).toContain('等次 grade');
  });

  it('the officer sees the annual result on /me and the report, appeals, and HR decides on the officer page', async () => {
    const { t, tokens, s } = await setup();
    const review = (await (await t.call('POST', '/api/v1/annual-reviews', { token: tokens.hr1, json: { year: 2026 } })).json()) as Json;
    await t.call('POST', `/api/v1/annual-reviews/${review.id}/publish`, { token: tokens.hr2 });
    const officerToken = await t.userToken('officer', { officerCode: 'O003' });
    const officer = await signIn(t, officerToken);
    const mine = (await (await t.call('GET', `/api/v1/annual-reviews/${review.id}/results/O003`, { token: officerToken })).json()) as Json;
    const names: Record<string, string> = { excellent: '优秀', competent: '称职', basically_competent: '基本称职', incompetent: '不称职' };
    const me = await (await pageRequest(t, 'GET', '/me', { session: officer, headers: zh })).text();
    expect(me).toContain(`2026 年度 · ${names[mine.grade]}`);
    expect(me).toContain(`/reports/annual/${review.id}/O003`);
    expect(me).toContain(`action="/me/annual-appeals/${review.id}"`);
    const report = await (await pageRequest(t, 'GET', `/reports/annual/${review.id}/O003`, { session: officer, headers: zh })).text();
    expect(report).toContain('年度考核报告 · 2026');
    expect(report).toContain(mine.explanation['zh-CN'][1]);
    // Another officer's report is not theirs.
    expect((await pageRequest(t, 'GET', `/reports/annual/${review.id}/O004`, { session: officer })).status).toBe(403);

    const filed = await pageRequest(t, 'POST', `/me/annual-appeals/${review.id}`, { session: officer, form: { reason: '第二季度在岗天数有误' } });
    expect(filed.status).toBe(303);
    expect(await (await pageRequest(t, 'GET', '/me', { session: officer, headers: zh })).text()).toMatch(/data-testid="annual-appeal-status">申诉状态：待处理/);
    // Filed twice: back to /me (post, redirect, get) with the refusal on the annual result's card.
    const twice = await pageRequest(t, 'POST', `/me/annual-appeals/${review.id}`, { session: officer, form: { reason: '再次申诉' }, headers: zh });
    expect(twice.headers.get('location')).toBe('/me#annual');
    const shown = await followRedirect(t, twice, officer, zh);
    expect(shown.status).toBe(409);
    const card = (await shown.text()).split(`data-testid="annual-result" data-review="${review.id}"`)[1]!.split('</section>')[0]!;
    expect(card).toContain('您已对该结果提出过申诉；每项结果只能申诉一次。');
    const [appeal] = await t.db.all<Json>(sql`select id from annual_appeals`);

    const to = mine.grade === 'competent' ? 'excellent' : 'competent';
    // hr2 published the review: refused in the page's words.
    const refused = await followRedirect(t, await pageRequest(t, 'POST', `/hr/annual-appeals/${appeal!.id}/decision`, { session: s.hr2, form: { outcome: 'upheld', correctedGrade: to, reason: 'x' }, headers: zh }), s.hr2, zh);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('您计算或发布了本年度考核，须由另一位人事人员处理申诉。');
    const ok = await pageRequest(t, 'POST', `/hr/annual-appeals/${appeal!.id}/decision`, { session: s.hr3, form: { outcome: 'upheld', correctedGrade: to, reason: '核实后支持' } });
    expect(ok.status).toBe(303);
    const page = await (await pageRequest(t, 'GET', ok.headers.get('location')!.replace(/#.*$/, ''), { session: s.hr3, headers: zh })).text();
    expect(page).toContain(`申诉 ${appeal!.id} 已支持：等次由${names[mine.grade]}更正为${names[to]}。`);
    expect(page).toContain(`${names[to]}（申诉更正，原为${names[mine.grade]}）`);
    const me2 = await (await pageRequest(t, 'GET', '/me', { session: officer, headers: zh })).text();
    expect(me2).toContain(`2026 年度 · ${names[to]}`);
    const reviewPage = await (await pageRequest(t, 'GET', `/hr/annual/${review.id}`, { session: s.hr1, headers: zh })).text();
    expect(reviewPage).toMatch(new RegExp(`<tr data-officer="O003" data-grade="${to}">`));
    expect(reviewPage).toMatch(/申诉更正后 \d+ 人/);
  });
});
