import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { workload } from '../../db/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedGrading, standardFixture } from '../support/grading.js';
import { policyV2 } from '../../scoring/index.js';

type Json = Record<string, any>;
const body = async (res: Response): Promise<Json> => (await res.json()) as Json;

/**
 * 2026 with the standard fixture's officers: its Q3 inputs, and the same workload shifted a little
 * per quarter in Q1, Q2 and Q4 (so ranks move). O012 (hired 2026-09-01) is graded in Q4 only.
 * O002 has a high flag confirmed in August and a critical one in October.
 */
async function year(published: string[] = ['2026Q1', '2026Q2', '2026Q3', '2026Q4']) {
  const t = await makeTestApp({ now: '2027-01-10T08:00:00.000Z' });
  const f = standardFixture('2026Q3');
  await seedGrading(t.db, f);
  await t.db.run(sql`delete from workload where period <> '2026Q3'`);
  for (const [k, p] of ['2026Q1', '2026Q2', '2026Q4'].entries()) {
    const rows = f.officers.flatMap((o) => Object.entries(o.workload ?? {}).map(([kind, count]) => ({ officerCode: o.code, period: p, kind, count: count + ((Number(o.code.slice(1)) * (k + 3)) % 7) })));
    await t.db.insert(workload).values(rows);
  }
  const hr1 = await t.userToken('hr', { username: 'hr1' });
  const hr2 = await t.userToken('hr', { username: 'hr2' });
  const hr3 = await t.userToken('hr', { username: 'hr3' });
  const runs: Record<string, string> = {};
  for (const p of ['2026Q1', '2026Q2', '2026Q3', '2026Q4']) {
    const res = await t.call('POST', '/api/v1/grading-runs', { token: hr1, json: { period: p } });
    expect(res.status).toBe(201);
    runs[p] = (await body(res)).id;
    if (published.includes(p)) expect((await t.call('POST', `/api/v1/grading-runs/${runs[p]}/publish`, { token: hr2 })).status).toBe(200);
  }
  return { t, hr1, hr2, hr3, runs };
}

async function quarterly(t: TestApp, token: string, runId: string) {
  return new Map(((await body(await t.call('GET', `/api/v1/grading-runs/${runId}/results?limit=1000`, { token }))).items as Json[]).map((i) => [i.officerCode, i]));
}

describe('annual reviews (API.md "The year")', () => {
  it('409 names the quarters without a published run', async () => {
    const { t, hr1 } = await year(['2026Q1', '2026Q3']);
    const res = await t.call('POST', '/api/v1/annual-reviews', { token: hr1, json: { year: 2026 } });
    expect(res.status).toBe(409);
    const p = await body(res);
    expect(p.code).toBe('quarters_unpublished');
    expect(p.detail).toContain('2026Q2, 2026Q4');
    expect(p.errors).toEqual([{ path: 'year', message: 'no published run for 2026Q2, 2026Q4' }]);
    expect((await t.call('POST', '/api/v1/annual-reviews', { token: hr1, json: { year: 'last' } })).status).toBe(400);
  });

  it('grades the year from the four runs: weighted by active days, ranked, quota, grades, explanations', async () => {
    const { t, hr1, hr2, runs } = await year();
    const res = await t.call('POST', '/api/v1/annual-reviews', { token: hr1, json: { year: 2026 } });
    expect(res.status, await res.clone().text()).toBe(201);
    const review = await body(res);
    expect(review).toMatchObject({ status: 'computed', year: 2026, whatIf: false, runs: [runs['2026Q1'], runs['2026Q2'], runs['2026Q3'], runs['2026Q4']] });
    expect(review.inputDigest).toMatch(/^[0-9a-f]{64}$/);

    const items = (await body(await t.call('GET', `/api/v1/annual-reviews/${review.id}/results?limit=1000`, { token: hr1 }))).items as Json[];
    expect(items.map((i) => i.officerCode)).toEqual(['O001', 'O002', 'O003', 'O004', 'O005', 'O006', 'O007', 'O008', 'O009', 'O010', 'O011', 'O012']);
    const q = await Promise.all(['2026Q1', '2026Q2', '2026Q3', '2026Q4'].map((p) => quarterly(t, hr1, runs[p]!)));
    for (const item of items.filter((i) => i.status === 'rated')) {
      // Each quarter as its run has it; the score is the active-day weighted mean of the composites.
      const used = q.map((m, k) => ({ period: `2026Q${k + 1}`, r: m.get(item.officerCode) })).filter((x): x is { period: string; r: Json } => x.r?.status === 'graded');
      expect(item.quarters).toEqual(used.map(({ period, r }) => ({ period, composite: r.composite, activeDays: r.activeDays, tier: r.effective.tier })));
      const days = used.reduce((s, x) => s + x.r.activeDays, 0);
      expect(item.score).toBeCloseTo(used.reduce((s, x) => s + x.r.composite * x.r.activeDays, 0) / days, 12);
      expect(item.explanation['zh-CN'].length).toBeGreaterThanOrEqual(4);
      expect(item.explanation.en[1]).toMatch(/^Annual score \d+\.\d\d: the quarterly composites weighted by active days/);
    }
    // O012: hired 2026-09-01, graded in 2026Q4 only.
    expect(items.find((i) => i.officerCode === 'O012')).toMatchObject({ status: 'not_rated', reason: 'graded in 1 quarter < 2', grade: null, rank: null });
    const rated = items.filter((i) => i.status === 'rated').sort((a, b) => a.rank - b.rank);
    expect(rated.map((i) => i.rank)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    for (let i = 1; i < rated.length; i++) expect(rated[i - 1]!.score).toBeGreaterThanOrEqual(rated[i]!.score);
    // 11 rated: quota floor(0.15 * 11) = 1.
    const facts = await body(await t.call('GET', `/api/v1/annual-reviews/${review.id}`, { token: hr1 }));
    expect(facts.counts).toEqual({ rated: 11, notRated: 1 });
    expect(facts.quota).toMatchObject({ share: 0.15, cap: 1 });
    expect(facts.quota.used).toBeLessThanOrEqual(1);
    for (const i of rated) {
      if (i.grade !== 'excellent') expect(i.grade).toBe(i.score >= 60 ? 'competent' : i.score >= 45 ? 'basically_competent' : 'incompetent');
      else expect(i.score).toBeGreaterThanOrEqual(80);
    }
    // Maker-checker: the computing user cannot publish it.
    const own = await t.call('POST', `/api/v1/annual-reviews/${review.id}/publish`, { token: hr1 });
    expect(own.status).toBe(403);
    expect((await t.call('POST', `/api/v1/annual-reviews/${review.id}/publish`, { token: hr2 })).status).toBe(200);
    expect((await body(await t.call('POST', `/api/v1/annual-reviews/${review.id}/publish`, { token: hr2 }))).code).toBe('review_published');
    const entries = await t.db.all<Json>(sql`select action from audit_entries where entity = 'annual_review' and entity_id = ${review.id} order by seq`);
    expect(entries.map((e) => e.action)).toEqual(['annual_review.compute', 'annual_review.publish']);
  });

  it('flags confirmed in the year bar excellent; a candidate policy is a what-if, never published', async () => {
    const { t, hr1, hr2 } = await year();
    // Everyone above 1 qualifies for excellent under this candidate, with a quota of all.
    const candidate = { ...policyV2, version: 'v2-annual-test', annual: { ...policyV2.annual!, excellent: { minScore: 1, maxShare: 1, barringSeverities: ['high', 'critical'] }, competent: { minScore: 0.5 }, basicallyCompetent: { minScore: 0.2 } } };
    const res = await t.call('POST', '/api/v1/annual-reviews', { token: hr1, json: { year: 2026, policy: candidate } });
    expect(res.status).toBe(201);
    const review = await body(res);
    expect(review.whatIf).toBe(true);
    const o2 = await body(await t.call('GET', `/api/v1/annual-reviews/${review.id}/results/O002`, { token: hr1 }));
    expect(o2.placement.barredBy).toEqual([
      { flagId: 'flg_O002_0', rule: 'complaint', severity: 'high' },
      { flagId: 'flg_O002_1', rule: 'complaint', severity: 'critical' },
    ]);
    expect(o2.grade).not.toBe('excellent');
    expect(o2.explanation.en.at(-1)).toContain('barred from excellent by flags confirmed in 2026 (flg_O002_0 complaint high, flg_O002_1 complaint critical)');
    const o1 = await body(await t.call('GET', `/api/v1/annual-reviews/${review.id}/results/O001`, { token: hr1 }));
    expect(o1.grade).toBe('excellent');
    const pub = await t.call('POST', `/api/v1/annual-reviews/${review.id}/publish`, { token: hr2 });
    expect(pub.status).toBe(409);
    expect((await body(pub)).code).toBe('what_if_review');
  });

  it('appeals by the quarterly rules; the corrected grade is effective in the results and the export', async () => {
    const { t, hr1, hr2, hr3 } = await year();
    const review = await body(await t.call('POST', '/api/v1/annual-reviews', { token: hr1, json: { year: 2026 } }));
    t.clock.set('2027-01-11T08:00:00.000Z');
    expect((await t.call('POST', `/api/v1/annual-reviews/${review.id}/publish`, { token: hr2 })).status).toBe(200);
    const officer = await t.userToken('officer', { officerCode: 'O004' });
    const mine = await body(await t.call('GET', '/api/v1/me/annual-results', { token: officer }));
    expect(mine.items.map((i: Json) => [i.reviewId, i.officerCode])).toEqual([[review.id, 'O004']]);
    const before = mine.items[0];
    const to = before.grade === 'competent' ? 'basically_competent' : 'competent';
    const filed = await t.call('POST', `/api/v1/annual-reviews/${review.id}/appeals`, { token: officer, json: { reason: '第三季度的评议记错了人' } });
    expect(filed.status).toBe(201);
    const appeal = await body(filed);
    expect((await t.call('POST', `/api/v1/annual-reviews/${review.id}/appeals`, { token: officer, json: { reason: 'again' } })).status).toBe(409);
    // Whoever computed or published it cannot decide; an upheld appeal names the grade.
    for (const token of [hr1, hr2]) expect((await t.call('POST', `/api/v1/annual-appeals/${appeal.id}/decision`, { token, json: { outcome: 'upheld', reason: 'r', correctedGrade: to } })).status).toBe(403);
    const noGrade = await t.call('POST', `/api/v1/annual-appeals/${appeal.id}/decision`, { token: hr3, json: { outcome: 'upheld', reason: 'r' } });
    expect((await body(noGrade)).errors).toEqual([{ path: 'correctedGrade', message: 'required when upheld' }]);
    expect((await t.call('POST', `/api/v1/annual-appeals/${appeal.id}/decision`, { token: hr3, json: { outcome: 'upheld', reason: '核实', correctedGrade: to } })).status).toBe(200);

    const after = await body(await t.call('GET', `/api/v1/annual-reviews/${review.id}/results/O004`, { token: officer }));
    expect(after).toMatchObject({ grade: before.grade, effective: { grade: to, correction: appeal.id } });
    const csv = await t.call('GET', `/api/v1/annual-reviews/${review.id}/export.csv`, { token: hr1 });
    expect(csv.status).toBe(200);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).split('\r\n');
    expect(lines[0]).toBe('工号 officer code,姓名 name,单位 unit,状态 status,年度得分 score,名次 rank,等次 grade,等次名称 grade name,原等次 original grade,更正 correction,参评季度 quarters,在岗天数 active days,未评定原因 reason');
    const names = { excellent: '优秀', competent: '称职', basically_competent: '基本称职', incompetent: '不称职' } as const;
    expect(lines.find((l) => l.startsWith('O004,'))).toBe(
      `O004,李四,市区分局,rated,${before.score.toFixed(2)},${before.rank},${to},${names[to]},${before.grade},${appeal.id},2026Q1 2026Q2 2026Q3 2026Q4,365,`,
    );
    expect(lines.at(-2)).toMatch(/^O012,Officer 12,县局,not_rated,,,,,,,2026Q4,92,年度内参评 1 个季度，不足 2 个季度 \(graded in 1 quarter < 2\)$/);
    const facts = await body(await t.call('GET', `/api/v1/annual-reviews/${review.id}`, { token: hr1 }));
    expect(facts.effectiveGradeCounts[to]).toBe(facts.gradeCounts[to] + 1);
    const history = await t.db.all<Json>(sql`select action from audit_entries where entity = 'annual_review' and entity_id = ${review.id} order by seq`);
    expect(history.map((e) => e.action)).toEqual(['annual_review.compute', 'annual_review.publish', 'annual_review.correct']);
  });

  it('the tie-break counts the effective tier: a quarterly correction to tier 5 reaches the year', async () => {
    const { t, hr1, hr3, runs } = await year();
    const q3 = await quarterly(t, hr1, runs['2026Q3']!);
    const low = [...q3.values()].find((r) => r.status === 'graded' && r.tier !== 5)!;
    const officer = await t.userToken('officer', { officerCode: low.officerCode });
    const appeal = await body(await t.call('POST', `/api/v1/grading-runs/${runs['2026Q3']}/appeals`, { token: officer, json: { reason: 'r' } }));
    expect((await t.call('POST', `/api/v1/appeals/${appeal.id}/decision`, { token: hr3, json: { outcome: 'upheld', reason: 'ok', correctedTier: 5 } })).status).toBe(200);
    const review = await body(await t.call('POST', '/api/v1/annual-reviews', { token: hr1, json: { year: 2026 } }));
    const r = await body(await t.call('GET', `/api/v1/annual-reviews/${review.id}/results/${low.officerCode}`, { token: hr1 }));
    expect(r.quarters.find((q: Json) => q.period === '2026Q3').tier).toBe(5);
    expect(r.tieBreakQuarters).toBeGreaterThanOrEqual(1);
  });
});
