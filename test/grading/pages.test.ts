import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp } from '../support/app.js';
import { followRedirect, pageRequest, signIn } from '../support/pages.js';
import { seedGrading, standardFixture } from '../support/grading.js';
import { defaultPolicy } from '../../scoring/policy.js';

async function setup() {
  const t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
  await seedGrading(t.db, standardFixture('2026Q3'));
  const hr1 = await signIn(t, await t.userToken('hr', { username: 'hr1' }));
  const hr2 = await signIn(t, await t.userToken('hr', { username: 'hr2' }));
  return { t, hr1, hr2 };
}

const en = { 'accept-language': 'en' };

describe('HR console pages', () => {
  it('starts a run from the form and shows the chart, cap usage and a sortable table', async () => {
    const { t, hr1 } = await setup();
    const home = await pageRequest(t, 'GET', '/hr', { session: hr1, headers: en });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('name="period"');

    const bad = await followRedirect(t, await pageRequest(t, 'POST', '/hr/runs', { session: hr1, form: { period: '2026Q3', policy: '{"version":1}' }, headers: en }), hr1, en);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('policy.version');

    const res = await pageRequest(t, 'POST', '/hr/runs', { session: hr1, form: { period: '2026Q3' } });
    expect(res.status).toBe(303);
    const loc = res.headers.get('location')!;
    expect(loc).toMatch(/^\/hr\/runs\/run_/);

    const page = await pageRequest(t, 'GET', loc, { session: hr1, headers: en });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<svg class="histogram"');
    expect(html.match(/class="tier-boundary"/g)!.length).toBe(4);
    const bars = [...html.matchAll(/data-count="(\d+)"/g)].map((m) => Number(m[1]));
    expect(bars.reduce((a, b) => a + b, 0)).toBe(11);
    // 11 graded: tier 5 cap floor(0.15 * 11) = 1, tier 4 cap floor(0.3 * 11) = 3.
    expect(html).toMatch(/tier 5: \d+\/1 places used/);
    expect(html).toMatch(/tier 4: \d+\/3 places used/);

    const sorted = await (await pageRequest(t, 'GET', `${loc}?sort=composite&dir=desc`, { session: hr1 })).text();
    const codes = [...sorted.matchAll(/<tr data-officer="([^"]+)"/g)].map((m) => m[1]);
    const rows = await t.db.all<{ officer_code: string }>(sql`select officer_code from grading_results where status = 'graded' order by composite desc, officer_code`);
    expect(codes.slice(0, 11)).toEqual(rows.map((r) => r.officer_code));
    expect(codes[11]).toBe('O012'); // not graded last
    expect(sorted).toContain('?sort=composite&amp;dir=asc');

    expect(html).toContain(`action="${loc}/recompute"`);
    const re = await pageRequest(t, 'POST', `${loc}/recompute`, { session: hr1, form: {} });
    expect(re.status).toBe(303);
    expect(await (await pageRequest(t, 'GET', re.headers.get('location')!, { session: hr1, headers: en })).text()).toContain('Recomputed with the current inputs.');
  });

  it('walks an adjustment through two HR users, then publishes with confirmation and exports', async () => {
    const { t, hr1, hr2 } = await setup();
    const loc = (await pageRequest(t, 'POST', '/hr/runs', { session: hr1, form: { period: '2026Q3' } })).headers.get('location')!;
    const runId = loc.split('/').pop()!;
    const officer = await (await pageRequest(t, 'GET', `${loc}/officers/O004`, { session: hr1, headers: en })).text();
    expect(officer).toContain('<svg class="components"');
    expect(officer).toContain('data-component="workload"');

    const proposed = await pageRequest(t, 'POST', `${loc}/adjustments`, { session: hr1, form: { officerCode: 'O004', toTier: '1', reason: 'Test reason' } });
    expect(proposed.status).toBe(303);
    const [adj] = await t.db.all<{ id: string }>(sql`select id from adjustments`);
    const own = await (await pageRequest(t, 'GET', loc, { session: hr1, headers: en })).text();
    expect(own).toContain('a different HR user must decide it');
    const self = await followRedirect(t, await pageRequest(t, 'POST', `/hr/adjustments/${adj!.id}/decision`, { session: hr1, form: { decision: 'approve', reason: 'me' } }), hr1);
    expect(self.status).toBe(403);
    const ok = await pageRequest(t, 'POST', `/hr/adjustments/${adj!.id}/decision`, { session: hr2, form: { decision: 'approve', reason: 'Agreed' } });
    expect(ok.status).toBe(303);
    const [row] = await t.db.all<{ tier: number }>(sql`select tier from grading_results where officer_code = 'O004'`);
    expect(row!.tier).toBe(1);

    const confirm = await pageRequest(t, 'GET', `${loc}/publish`, { session: hr1 });
    expect(await confirm.text()).toContain('name="confirm" value="yes"');
    const noConfirm = await pageRequest(t, 'POST', `${loc}/publish`, { session: hr1, form: {} });
    expect(noConfirm.status).toBe(303);
    expect((await t.db.all<{ status: string }>(sql`select status from grading_runs`))[0]!.status).toBe('computed');
    // Maker-checker: hr1 computed the run, so hr1 is refused (in Chinese on the zh-CN page) and hr2 publishes.
    const makerPost = await pageRequest(t, 'POST', `${loc}/publish`, { session: hr1, form: { confirm: 'yes' } });
    // Refused, the browser goes back to the run page itself, not left at the POST URL.
    expect(makerPost.headers.get('location')).toBe(loc);
    const maker = await followRedirect(t, makerPost, hr1);
    expect(maker.status).toBe(403);
    expect(await maker.text()).toContain('计算本批次（或本年度考核）的人事人员不能发布它');
    expect((await t.db.all<{ status: string }>(sql`select status from grading_runs`))[0]!.status).toBe('computed');
    const pub = await pageRequest(t, 'POST', `${loc}/publish`, { session: hr2, form: { confirm: 'yes' } });
    expect(pub.status).toBe(303);
    expect((await t.db.all<{ status: string }>(sql`select status from grading_runs`))[0]!.status).toBe('published');

    const csv = await pageRequest(t, 'GET', `${loc}/export.csv`, { session: hr1 });
    expect(csv.status).toBe(200);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes)).toContain(`O004,李四,市区分局,1,0.80,2400.00,1,,\r\n`);

    const late = await followRedirect(t, await pageRequest(t, 'POST', `${loc}/adjustments`, { session: hr2, form: { officerCode: 'O001', toTier: '1', reason: 'x' } }), hr2);
    expect(late.status).toBe(409);
    expect((await followRedirect(t, await pageRequest(t, 'POST', `${loc}/recompute`, { session: hr1, form: {} }), hr1)).status).toBe(409);
    void runId;
  });

  it('refuses a 2,001-character reason on the page as the API does, naming the field, and writes nothing', async () => {
    const { t, hr1, hr2 } = await setup();
    const loc = (await pageRequest(t, 'POST', '/hr/runs', { session: hr1, form: { period: '2026Q3' } })).headers.get('location')!;
    const long = 'x'.repeat(2001);
    const propose = await followRedirect(t, await pageRequest(t, 'POST', `${loc}/adjustments`, { session: hr1, form: { officerCode: 'O004', toTier: '1', reason: long }, headers: en }), hr1, en);
    expect(propose.status).toBe(400);
    expect(await propose.text()).toContain('<code>reason</code>');
    expect(await t.db.all(sql`select id from adjustments`)).toEqual([]);

    await pageRequest(t, 'POST', `${loc}/adjustments`, { session: hr1, form: { officerCode: 'O004', toTier: '1', reason: 'Test reason' } });
    const [adj] = await t.db.all<{ id: string }>(sql`select id from adjustments`);
    const decide = await followRedirect(t, await pageRequest(t, 'POST', `/hr/adjustments/${adj!.id}/decision`, { session: hr2, form: { decision: 'approve', reason: long }, headers: en }), hr2, en);
    expect(decide.status).toBe(400);
    expect(await decide.text()).toContain('<code>reason</code>');
    expect((await t.db.all<{ status: string }>(sql`select status from adjustments`))[0]!.status).toBe('pending');
  });

  it('prints the officer report, with feedback averages only from 5 responses up, to HR and the officer', async () => {
    const { t, hr1, hr2 } = await setup();
    const loc = (await pageRequest(t, 'POST', '/hr/runs', { session: hr1, form: { period: '2026Q3' } })).headers.get('location')!;
    const runId = loc.split('/').pop()!;
    const o6 = await signIn(t, await t.userToken('officer', { officerCode: 'O006' }));
    // Unpublished: invisible to the officer.
    expect((await pageRequest(t, 'GET', `/reports/${runId}/O006`, { session: o6 })).status).toBe(404);
    const hrView = await (await pageRequest(t, 'GET', `/reports/${runId}/O001`, { session: hr1, headers: en })).text();
    expect(hrView).toContain('Fewer than 5 responses (1)');
    await pageRequest(t, 'POST', `${loc}/publish`, { session: hr2, form: { confirm: 'yes' } });
    const own = await pageRequest(t, 'GET', `/reports/${runId}/O006`, { session: o6, headers: en });
    expect(own.status).toBe(200);
    const html = await own.text();
    expect(html).toContain('6 accepted responses');
    expect(html).toContain('Professionalism');
    expect(html).not.toContain('fewer-than-5');
    expect(html).toContain('<svg class="components"');
    expect((await pageRequest(t, 'GET', `/reports/${runId}/O001`, { session: o6 })).status).toBe(404);
    expect((await pageRequest(t, 'GET', '/hr', { session: o6 })).status).toBe(403);
  });

  it('compares a what-if run with the real one', async () => {
    const { t, hr1 } = await setup();
    const a = (await pageRequest(t, 'POST', '/hr/runs', { session: hr1, form: { period: '2026Q3' } })).headers.get('location')!.split('/').pop()!;
    const candidate = { ...defaultPolicy, version: 'v2', components: { workload: 0.1, assessment: 0.2, feedback: 0.6, tenure: 0.1 } };
    const b = (await pageRequest(t, 'POST', '/hr/runs', { session: hr1, form: { period: '2026Q3', whatIf: '1', policy: JSON.stringify(candidate) } })).headers.get('location')!.split('/').pop()!;
    const res = await pageRequest(t, 'GET', `/hr/compare?a=${a}&b=${b}`, { session: hr1, headers: en });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="transition-matrix"');
    expect(html.match(/data-testid="by-peer-group"/g)!.length).toBe(2);
    expect(html).toMatch(/Officers whose tier changes: \d+/);
  });

  it('lets an HR user who did not grade decide an appeal from the officer page', async () => {
    const { t, hr1, hr2 } = await setup();
    const loc = (await pageRequest(t, 'POST', '/hr/runs', { session: hr1, form: { period: '2026Q3' } })).headers.get('location')!;
    const runId = loc.split('/').pop()!;
    // A third HR user publishes (hr1 computed it; hr2 is to decide the appeal, so must not have graded it).
    const hr3 = await signIn(t, await t.userToken('hr', { username: 'hr3' }));
    expect((await pageRequest(t, 'POST', `${loc}/publish`, { session: hr3, form: { confirm: 'yes' } })).status).toBe(303);
    const o2 = await t.userToken('officer', { officerCode: 'O002' });
    const appeal = (await (await t.call('POST', `/api/v1/grading-runs/${runId}/appeals`, { token: o2, json: { reason: 'The flag was closed in Q4.' } })).json()) as { id: string };
    const pending = await (await pageRequest(t, 'GET', '/hr', { session: hr2, headers: en })).text();
    expect(pending).toContain('The flag was closed in Q4.');
    const page = await (await pageRequest(t, 'GET', `${loc}/officers/O002`, { session: hr2, headers: en })).text();
    expect(page).toContain(`action="/hr/appeals/${appeal.id}/decision"`);

    const refusedPost = await pageRequest(t, 'POST', `/hr/appeals/${appeal.id}/decision`, { session: hr1, form: { outcome: 'dismissed', reason: 'x' }, headers: en });
    // Refused, back to the officer's page (post, redirect, get), never left at the POST URL.
    expect(refusedPost.headers.get('location')).toBe(`${loc}/officers/O002#appeals`);
    const refused = await followRedirect(t, refusedPost, hr1, en);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('another HR user decides the appeal');
    const missingTier = await followRedirect(t, await pageRequest(t, 'POST', `/hr/appeals/${appeal.id}/decision`, { session: hr2, form: { outcome: 'upheld', reason: 'x', correctedTier: '' } }), hr2);
    expect(missingTier.status).toBe(400);
    const ok = await pageRequest(t, 'POST', `/hr/appeals/${appeal.id}/decision`, { session: hr2, form: { outcome: 'upheld', reason: 'Flag closed after the period.', correctedTier: '4' } });
    expect(ok.status).toBe(303);
    const [row] = await t.db.all<{ status: string; corrected_tier: number }>(sql`select status, corrected_tier from appeals`);
    expect(row).toEqual({ status: 'upheld', corrected_tier: 4 });
    const after = await (await pageRequest(t, 'GET', `${loc}/officers/O002`, { session: hr2, headers: en })).text();
    expect(after).toContain('corrected to tier 4');
  });
});
