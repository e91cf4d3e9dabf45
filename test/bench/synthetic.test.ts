/**
 * The synthetic bureau generator: deterministic, realistic in the ways the rules and the grading
 * look at, and consistent with the import contract (codes unique, history never overlapping).
 */
import { describe, expect, it } from 'vitest';
import { generateBureau } from '../../scripts/synthetic/bureau.js';
import { demoSize, quickSize, type BureauSize } from '../../scripts/synthetic/sizes.js';
import { assessmentCategories, workloadKinds } from '../../scoring/policy.js';

const today = '2026-11-24';

describe('generateBureau', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const pick = (seed: string) => {
      const b = generateBureau({ size: demoSize, seed, today });
      return JSON.stringify({
        officers: b.officers,
        taxpayers: b.taxpayers.slice(0, 50),
        assignments: b.assignments.slice(0, 50),
        workload: b.workload.slice(0, 50),
        responses: [...b.responses()].slice(0, 50),
        decisions: [...b.decisions()].slice(0, 50),
      });
    };
    expect(pick('a')).toBe(pick('a'));
    expect(pick('a')).not.toBe(pick('b'));
  });

  it('makes a municipal bureau of the demo size with Chinese names and teams', () => {
    const b = generateBureau({ size: demoSize, seed: 'demo', today });
    expect(b.units).toHaveLength(5);
    expect(new Set(b.units.map((u) => u.peerGroup)).size).toBe(3);
    expect(new Set(b.units.map((u) => u.name)).size).toBe(5);
    expect(b.officers.length).toBeGreaterThanOrEqual(150);
    expect(b.officers.length).toBeLessThanOrEqual(250);
    for (const o of b.officers) {
      expect(o.name).toMatch(/^[\u4e00-\u9fa5]{2,4}$/);
      expect(['风险分析', '评估', '综合管理', '纳税服务']).toContain(o.team);
      expect(o.positionStartDate >= o.hireDate).toBe(true);
      if (o.leaveDate) expect(o.leaveDate > o.hireDate).toBe(true);
    }
    expect(b.officers.some((o) => o.leaveDate)).toBe(true);
    expect(b.officers.filter((o) => !o.supervisorCode)).toHaveLength(5);
    const codes = new Set(b.officers.map((o) => o.code));
    for (const o of b.officers) if (o.supervisorCode) expect(codes.has(o.supervisorCode)).toBe(true);
    expect(new Set(b.taxpayers.map((t) => t.code)).size).toBe(b.taxpayers.length);
    const cats = { key: 0, general: 0, individual: 0 };
    for (const t of b.taxpayers) cats[t.category]++;
    expect(cats.key).toBeGreaterThan(0);
    expect(cats.individual).toBeGreaterThan(cats.general);
    expect(b.gradedPeriod).toBe('2026Q3');
  });

  it('keeps assignment history consistent: one open assignment per taxpayer, no overlaps', () => {
    const b = generateBureau({ size: quickSize, seed: 'x', today });
    const byTp = new Map<string, { from: string; to?: string }[]>();
    for (const a of b.assignments) {
      const list = byTp.get(a.taxpayerCode) ?? [];
      list.push(a);
      byTp.set(a.taxpayerCode, list);
    }
    let reassigned = 0;
    for (const list of byTp.values()) {
      expect(list.filter((a) => !a.to)).toHaveLength(1);
      list.sort((x, y) => (x.from < y.from ? -1 : 1));
      for (let i = 1; i < list.length; i++) expect(list[i - 1]!.to! <= list[i]!.from).toBe(true);
      if (list.length > 1) reassigned++;
    }
    expect(reassigned / byTp.size).toBeGreaterThan(0.1);
    // Some officers keep a taxpayer more than three years (rotation due).
    const threeYearsAgo = '2023-11-24';
    const long = b.assignments.filter((a) => !a.to && a.from < threeYearsAgo);
    expect(long.length).toBeGreaterThan(0);
    expect(new Set(long.map((a) => a.officerCode)).size).toBeLessThan(b.officers.length * 0.1);
  });

  it('uses only the policy’s workload kinds and assessment categories', () => {
    const b = generateBureau({ size: demoSize, seed: 'demo', today });
    expect(new Set(b.workload.map((w) => w.kind))).toEqual(new Set(workloadKinds()));
    expect(new Set(b.assessments.map((a) => a.category))).toEqual(new Set(assessmentCategories()));
    for (const w of b.workload) expect(w.count).toBeGreaterThan(0);
    for (const a of b.assessments) expect(a.raw).toBeLessThanOrEqual(a.max);
  });

  it('clusters the bunching officers’ assessed turnovers just under the threshold', () => {
    const size: BureauSize = { ...quickSize, decisions: 40_000 };
    const b = generateBureau({ size, seed: 'bunch', today });
    const T = b.turnoverThreshold;
    const bunchers = new Set(b.planted.bunching);
    const share = (mine: boolean) => {
      let under = 0, over = 0;
      for (const d of b.decisions()) {
        if (d.type !== 'assessed_turnover' || bunchers.has(d.deciderCode) !== mine || d.amends !== undefined) continue;
        if (d.amount >= 0.9 * T && d.amount < T) under++;
        else if (d.amount >= T && d.amount <= 1.1 * T) over++;
      }
      return under / Math.max(1, under + over);
    };
    expect(share(true)).toBeGreaterThan(0.85);
    expect(share(false)).toBeLessThan(0.7);
  });

  it('streams responses and decisions inside the data window, before today', () => {
    const b = generateBureau({ size: demoSize, seed: 'demo', today });
    const responses = [...b.responses()];
    // The demo's window reaches back to 2025Q1 (its review year): 8 quarters, the streams sized for 5 and scaled.
    expect(b.periods.map((p) => p.code)).toEqual(['2025Q1', '2025Q2', '2025Q3', '2025Q4', '2026Q1', '2026Q2', '2026Q3', '2026Q4']);
    expect(b.reviewYear).toBe(2025);
    expect(responses).toHaveLength(Math.round((demoSize.responses * 8) / 5));
    expect(new Set(responses.map((r) => r.interactionRef)).size).toBe(responses.length);
    for (const r of responses) {
      expect(r.submittedAt >= b.windowStart && r.submittedAt < today).toBe(true);
      expect(r.invitedAt < r.submittedAt).toBe(true);
    }
    expect(responses.some((r) => r.complaint)).toBe(true);
    const decisions = [...b.decisions()];
    expect(decisions).toHaveLength(Math.round((demoSize.decisions * 8) / 5));
    for (const d of decisions) {
      expect(d.decidedAt < today).toBe(true);
      expect(d.reviewers.map((r) => r.officerCode)).not.toContain(d.deciderCode);
      if (d.amends !== undefined) expect(d.amends).toBeLessThan(d.index);
    }
  });
});
