/**
 * The panel rules read a year of decisions one range of deciders at a time (deciderRanges in
 * src/flags/rules/common.ts), so that no statement holds a whole province's year (D1 allows 30 s
 * per query). The ranges must cover every decider exactly once, and the rules must find the same
 * cases on either side of a cut. The clock is 2026-10-15.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { findCandidates } from '../../src/flags/scan.js';
import { deciderRanges, ruleContext } from '../../src/flags/rules/common.js';
import { defaultOversightPolicy } from '../../src/flags/policy.js';
import { makeTestApp } from '../support/app.js';
import { decisionsFor, officer } from '../support/oversight.js';

const code = (i: number) => `X${String(i).padStart(5, '0')}`;

describe('rules that read the year by ranges of deciders', () => {
  it('cut 10,003 officers into three ranges that hold each exactly once, and find sole deciders and missing quorums on every side of a cut', async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    await officer(t, 'R1');
    await officer(t, 'R2');
    // Fixture data: 10,001 more officers of unit U1 (made by officer() above), written in one statement.
    await t.db.run(sql`
      with recursive n(i) as (select 0 union all select i + 1 from n where i < 10000)
      insert into officers (code, name, unit_code, team, hire_date, position_start_date)
      select 'X' || printf('%05d', i), 'Officer ' || i, 'U1', 'assessment', '2015-01-01', '2018-01-01' from n`);

    const ranges = await deciderRanges(ruleContext(t.ctx(), defaultOversightPolicy), 'd');
    expect(ranges).toHaveLength(3);
    const counts: number[] = [];
    for (const r of ranges) {
      const [row] = await t.db.all<{ n: number }>(sql`select count(*) as n from (select code as decider_code from officers) d where ${r}`);
      counts.push(row!.n);
    }
    expect(counts).toEqual([5000, 5000, 3]);

    // One decider in each range (the first code, either side of each cut: X04998 and X09998 start the second and third, the last), panels that never voted.
    const deciders = [code(0), code(4997), code(4998), code(9997), code(9998), code(10000)];
    const unvoted = [{ officerCode: 'R1', vote: null }, { officerCode: 'R2', vote: null }];
    await decisionsFor(t, deciders.map((decider) => ({ decider, amount: 1, reviewers: unvoted })));
    // And one whose panel did vote, in the middle range: neither rule may find it.
    await decisionsFor(t, [{ decider: code(6000), amount: 1, reviewers: [{ officerCode: 'R1' }, { officerCode: 'R2' }] }]);

    const found = await findCandidates(t.ctx());
    const subjects = (rule: string) => found.filter((c) => c.rule === rule).map((c) => c.subjectCode).sort();
    expect(subjects('sole_decider')).toEqual([...deciders].sort());
    expect(subjects('no_quorum')).toEqual([...deciders].sort());
  });
});
