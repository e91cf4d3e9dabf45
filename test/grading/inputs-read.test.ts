import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDb, migrateDb } from '../../db/client.js';
import { defaultPolicy } from '../../scoring/policy.js';
import { parsePeriod } from '../../src/core/period.js';
import { loadEngineInput } from '../../src/grading/inputs.js';
import { expectedInput, seedGrading, type GradingFixture } from '../support/grading.js';

/**
 * Doubles that a 15-digit rendering (SQLite's JSON functions) would change, plus random 53-bit
 * mantissas across magnitudes: the input read ships REALs as text and must give back each
 * double exactly, or the same inputs could grade differently depending on how they were read.
 */
function trickyDoubles(n: number, seed = 7): number[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const fixed = [0.1 + 0.2, 1 / 3, 2 / 3, 87.3, 99.99999999999999, 123456.789, 5e-324, 2 ** -1074 * 3, 9007199254740993, 1e21 + 1, 0, 1];
  const out = [...fixed];
  while (out.length < n) out.push((rand() + rand() / 2 ** 26) * 10 ** Math.floor(rand() * 12 - 6));
  return out;
}

describe('reading the engine input', () => {
  it('gives back every REAL exactly: fractional workload counts and assessment scores', async () => {
    const { db, client } = await openDb({ url: ':memory:' });
    await migrateDb(db);
    const values = trickyDoubles(600);
    const fixture: GradingFixture = {
      period: '2026Q3',
      units: [{ code: 'U1', name: 'Unit 1', peerGroup: 'urban' }],
      officers: Array.from({ length: values.length / 3 }, (_, i) => {
        const [count, a, b] = values.slice(i * 3, i * 3 + 3) as [number, number, number];
        return {
          code: `R${String(i).padStart(4, '0')}`,
          unitCode: 'U1',
          workload: { general_taxpayer: count },
          assessments: [{ category: 'tax_law', raw: Math.min(a, b), max: Math.max(a, b) || 1, takenOn: '2026-08-01' }],
        };
      }),
    };
    await seedGrading(db, fixture);
    const got = await loadEngineInput(db, parsePeriod('2026Q3')!, defaultPolicy);
    const want = expectedInput(fixture);
    expect(got.officers.length).toBe(want.officers.length);
    for (const [i, o] of got.officers.entries()) {
      const w = want.officers[i]!;
      // Object.is: 0 and -0 or two doubles one ulp apart are different here.
      expect(Object.is(o.workload.general_taxpayer, w.workload.general_taxpayer), `${o.code} count ${w.workload.general_taxpayer}`).toBe(true);
      expect(Object.is(o.assessments[0]!.raw, w.assessments[0]!.raw), `${o.code} raw ${w.assessments[0]!.raw}`).toBe(true);
      expect(Object.is(o.assessments[0]!.max, w.assessments[0]!.max), `${o.code} max ${w.assessments[0]!.max}`).toBe(true);
    }
    // A sum of several REALs is SQLite's sum (which the read must not round either).
    await db.run(sql`insert into workload (officer_code, period, kind, count) values ('R0000', '2026Q3', 'key_taxpayer', 0.1), ('R0000', '2026Q3', 'inspection_visit', 0.7)`);
    await db.run(sql`update workload set count = 0.2 where officer_code = 'R0000' and kind = 'general_taxpayer'`);
    const again = await loadEngineInput(db, parsePeriod('2026Q3')!, defaultPolicy);
    const sums = await db.all<{ kind: string; total: number }>(sql`select kind, sum(count) as total from workload where officer_code = 'R0000' group by kind`);
    expect(Object.fromEntries(sums.map((r) => [r.kind, r.total]))).toEqual(again.officers[0]!.workload);
    client.close();
  });
});
