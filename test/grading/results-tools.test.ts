/**
 * Results tools (issue 17): filters and search on a run's results (API and console), the
 * provisional export of an unpublished run, the not-graded reason in the exports, and the bulk
 * print of every report of a run.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedGrading, standardFixture } from '../support/grading.js';
import { pageRequest, signIn } from '../support/pages.js';

type Json = Record<string, any>;

async function setup() {
  const t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
  await seedGrading(t.db, standardFixture('2026Q3'));
  const hr1 = await t.userToken('hr', { username: 'hr1' });
  const hr2 = await t.userToken('hr', { username: 'hr2' });
  const res = await t.call('POST', '/api/v1/grading-runs', { token: hr1, json: { period: '2026Q3' } });
  expect(res.status).toBe(201);
  const run = (await res.json()) as Json;
  return { t, hr1, hr2, runId: run.id as string };
}

const codes = async (t: TestApp, token: string, path: string) => {
  const res = await t.call('GET', path, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as Json).items.map((i: Json) => i.officerCode) as string[];
};
const csvLines = (text: string) => text.replace(/^\uFEFF/, '').replace(/\r\n$/, '').split('\r\n');
const en = { 'accept-language': 'en' };

describe('results filters and search (API)', () => {
  it('filters by unit, team, status and effective tier, and searches code or name case-insensitively', async () => {
    const { t, hr1, runId } = await setup();
    const base = `/api/v1/grading-runs/${runId}/results`;
    expect(await codes(t, hr1, `${base}?unit=U-COUNTY`)).toEqual(['O009', 'O010', 'O011', 'O012']);
    expect(await codes(t, hr1, `${base}?unit=U-CITY&team=service`)).toEqual(['O001', 'O004', 'O007']);
    expect(await codes(t, hr1, `${base}?status=not_graded`)).toEqual(['O012']);
    expect(await codes(t, hr1, `${base}?q=OFFICER%201`)).toEqual(['O001', 'O010', 'O011', 'O012']);
    expect(await codes(t, hr1, `${base}?q=o00`)).toEqual(['O001', 'O002', 'O003', 'O004', 'O005', 'O006', 'O007', 'O008', 'O009']);
    expect(await codes(t, hr1, `${base}?q=${encodeURIComponent('小张')}`)).toEqual(['O003']);
    // A `%` is searched for, not a wildcard.
    expect(await codes(t, hr1, `${base}?q=%25`)).toEqual([]);

    const byTier = await t.db.all<{ tier: number; officer_code: string }>(sql`select tier, officer_code from grading_results where run_id = ${runId} and tier is not null order by officer_code`);
    const tier = byTier[0]!.tier;
    expect(await codes(t, hr1, `${base}?tier=${tier}`)).toEqual(byTier.filter((r) => r.tier === tier).map((r) => r.officer_code));

    // Filters and the cursor together: every page stays inside the filter.
    const first = (await (await t.call('GET', `${base}?unit=U-CITY&limit=3`, { token: hr1 })).json()) as Json;
    expect(first.items.map((i: Json) => i.officerCode)).toEqual(['O001', 'O002', 'O003']);
    expect(await codes(t, hr1, `${base}?unit=U-CITY&limit=3&cursor=${first.nextCursor}`)).toEqual(['O004', 'O005', 'O006']);
  });

  it('refuses a bad filter with a 400 naming it', async () => {
    const { t, hr1, runId } = await setup();
    const bad = await t.call('GET', `/api/v1/grading-runs/${runId}/results?tier=abc`, { token: hr1 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).errors.map((e: Json) => e.path)).toEqual(['tier']);
    const status = await t.call('GET', `/api/v1/grading-runs/${runId}/results?status=maybe`, { token: hr1 });
    expect(status.status).toBe(400);
    expect(((await status.json()) as Json).errors.map((e: Json) => e.path)).toEqual(['status']);
  });
});

describe('results filters and search (console)', () => {
  it('keeps filters, sort and page size in the URL, in the sort links and the pager', async () => {
    const { t, hr1, runId } = await setup();
    const s = await signIn(t, hr1);
    const loc = `/hr/runs/${runId}`;
    const html = await (await pageRequest(t, 'GET', `${loc}?sort=code&dir=asc&unit=U-COUNTY&q=officer`, { session: s, headers: en })).text();
    expect([...html.matchAll(/<tr data-officer="([^"]+)"/g)].map((m) => m[1])).toEqual(['O009', 'O010', 'O011', 'O012']);
    expect(html).toContain('1–4 of 4');
    // The sort link keeps the filters; the form keeps the sort and shows the chosen values.
    expect(html).toContain(`href="${loc}?sort=composite&amp;dir=desc&amp;unit=U-COUNTY&amp;q=officer"`);
    expect(html).toMatch(/<option value="U-COUNTY" selected="">县局<\/option>/);
    expect(html).toMatch(/id="f-q"[^>]*value="officer"/);

    // A page size of 25 with two pages of a filter would need more officers; 12 fit in one, so the pager shows none.
    const small = await (await pageRequest(t, 'GET', `${loc}?sort=code&dir=asc&size=25&page=0`, { session: s, headers: en })).text();
    expect(small).toContain('1–12 of 12');
    expect(small).toMatch(/<option value="25" selected="">25<\/option>/);

    // A bad filter is named on the page (400) over the unfiltered table.
    const bad = await pageRequest(t, 'GET', `${loc}?tier=abc`, { session: s, headers: en });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain('<code>tier</code>');
    expect([...badHtml.matchAll(/<tr data-officer=/g)]).toHaveLength(12);
  });

  it('takes only the page sizes it offers', async () => {
    const { t, hr1, runId } = await setup();
    const s = await signIn(t, hr1);
    const loc = `/hr/runs/${runId}`;
    // Only sizes the console offers are taken: 3 is not one, so the default (50) applies.
    const html = await (await pageRequest(t, 'GET', `${loc}?sort=code&dir=asc&size=3&unit=U-CITY`, { session: s, headers: en })).text();
    expect(html).toContain('1–8 of 8');
    expect(html).not.toContain('size=3');
  });
});

describe('exports', () => {
  it('a provisional export of an unpublished run: full results with components, marked provisional, reasons for the not graded', async () => {
    const { t, hr1, hr2, runId } = await setup();
    const res = await t.call('GET', `/api/v1/grading-runs/${runId}/provisional.csv`, { token: hr1 });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="provisional-grading-2026Q3-${runId}.csv"`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csvLines(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
    expect(lines[0]).toMatch(/^临时结果.*PROVISIONAL/);
    expect(lines[1]!.split(',').slice(0, 8)).toEqual(['工号 officer code', '姓名 name', '单位 unit', '岗位 team', '状态 status', '未参评原因 reason', '在岗天数 active days', '工作量 workload']);
    expect(lines).toHaveLength(2 + 12);
    const [r] = await t.db.all<Json>(sql`select * from grading_results where run_id = ${runId} and rank = 1`);
    expect(lines[2]).toContain(`${r!.officer_code},`);
    expect(lines[2]).toContain(`,${(r!.workload as number).toFixed(4)},${(r!.assessment as number).toFixed(4)},${(r!.feedback as number).toFixed(4)},${(r!.tenure as number).toFixed(4)},`);
    const o12 = lines.find((l) => l.startsWith('O012,'))!;
    expect(o12).toMatch(/^O012,Officer 12,县局,risk_analysis,未参评 not graded,"?本季度在岗 \d+ 天，不足参评所需的 45 天 \(active \d+ days < 45\)"?,\d+,/);

    // Page route, same document; officers never; a published run has the payroll export instead.
    const s = await signIn(t, hr1);
    const page = await pageRequest(t, 'GET', `/hr/runs/${runId}/provisional.csv`, { session: s });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('PROVISIONAL');
    expect((await t.call('GET', `/api/v1/grading-runs/${runId}/provisional.csv`, { token: await t.userToken('officer', { officerCode: 'O001' }) })).status).toBe(403);
    expect((await t.call('POST', `/api/v1/grading-runs/${runId}/publish`, { token: hr2 })).status).toBe(200);
    const published = await t.call('GET', `/api/v1/grading-runs/${runId}/provisional.csv`, { token: hr1 });
    expect(published.status).toBe(409);
    expect(((await published.json()) as Json).code).toBe('run_published');
  });

  it('the payroll export gives the reason of an officer not graded when asked, after the eight promised columns', async () => {
    const { t, hr1, hr2, runId } = await setup();
    await t.call('POST', `/api/v1/grading-runs/${runId}/publish`, { token: hr2 });
    // By default exactly the contract's eight columns (API.md), which payroll systems read.
    const plain = csvLines(await (await t.call('GET', `/api/v1/grading-runs/${runId}/export.csv`, { token: hr1 })).text());
    expect(plain[0]).toBe('工号 officer code,姓名 name,单位 unit,能级 tier,系数 coefficient,绩效奖金 payout,原能级 original tier,更正 correction');
    expect(plain.find((l) => l.startsWith('O012,'))).toBe('O012,Officer 12,县局,,,,,');
    const lines = csvLines(await (await t.call('GET', `/api/v1/grading-runs/${runId}/export.csv?reasons=true`, { token: hr1 })).text());
    expect(lines[0]).toBe('工号 officer code,姓名 name,单位 unit,能级 tier,系数 coefficient,绩效奖金 payout,原能级 original tier,更正 correction,未参评原因 reason');
    expect(lines.find((l) => l.startsWith('O012,'))).toMatch(/^O012,Officer 12,县局,,,,,,本季度在岗 \d+ 天，不足参评所需的 45 天 \(active \d+ days < 45\)$/);
    expect(lines.find((l) => l.startsWith('O001,'))).toMatch(/,$/);
  });
});

describe('bulk print', () => {
  it('renders every report of a run in one document, one sheet each, filtered like the table; HR only', async () => {
    const { t, hr1, runId } = await setup();
    const s = await signIn(t, hr1);
    const res = await pageRequest(t, 'GET', `/hr/runs/${runId}/reports`, { session: s, headers: en });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect([...html.matchAll(/<article class="report" data-officer="([^"]+)"/g)].map((m) => m[1])).toEqual(
      ['O001', 'O002', 'O003', 'O004', 'O005', 'O006', 'O007', 'O008', 'O009', 'O010', 'O011', 'O012'],
    );
    expect(html).toContain('break-after:page');
    // The same rendering as the single report: its explanation and facts for each officer.
    expect(html.match(/data-testid="officer-facts"/g)).toHaveLength(12);
    const single = await (await pageRequest(t, 'GET', `/reports/${runId}/O004`, { session: s, headers: en })).text();
    const facts = (doc: string) => /<dl class="facts" data-testid="officer-facts">[\s\S]*?<\/dl>/.exec(doc.slice(doc.indexOf('data-officer="O004"') >= 0 ? doc.indexOf('data-officer="O004"') : 0))![0];
    expect(facts(html)).toBe(facts(single));
    // The not-graded reason in words, not the engine's code.
    expect(html).toMatch(/active \d+ days in the quarter, fewer than the 45 needed/);

    const county = await (await pageRequest(t, 'GET', `/hr/runs/${runId}/reports?unit=U-COUNTY`, { session: s, headers: en })).text();
    expect([...county.matchAll(/<article class="report" data-officer="([^"]+)"/g)].map((m) => m[1])).toEqual(['O009', 'O010', 'O011', 'O012']);

    const officer = await signIn(t, await t.userToken('officer', { officerCode: 'O001' }));
    expect((await pageRequest(t, 'GET', `/hr/runs/${runId}/reports`, { session: officer })).status).toBe(403);
  });
});
