import { describe, expect, it } from 'vitest';
import { defaultPolicy, policySchema, policyV1, policyV2, assessmentCategories, workloadKinds, annualPolicyOf, defaultAnnualPolicy, annualQuota } from '../../scoring/index.js';

const issues = (p: unknown) => {
  const r = policySchema.safeParse(p);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('policy schema', () => {
  it('accepts v1 and the v2 default of DESIGN 3 and 3b', () => {
    expect(defaultPolicy).toBe(policyV2);
    expect(issues(policyV1)).toEqual([]);
    expect(issues(policyV2)).toEqual([]);
    expect(policyV2).toMatchObject({ version: 'v2', arithmetic: 'decimal', proration: 'active_days', annual: defaultAnnualPolicy });
    expect(policyV1).not.toHaveProperty('arithmetic');
    expect(policyV1).not.toHaveProperty('proration');
    expect(workloadKinds()).toContain('key_taxpayer');
    expect(assessmentCategories()).toEqual(['tax_law', 'accounting', 'law', 'data_analysis']);
  });

  it('stays plain JSON (hashable as canonical JSON)', () => {
    expect(JSON.parse(JSON.stringify(defaultPolicy))).toEqual(defaultPolicy);
  });

  it('rejects component weights that do not sum to 1', () => {
    const p = { ...defaultPolicy, components: { workload: 0.35, assessment: 0.3, feedback: 0.25, tenure: 0.2 } };
    expect(issues(p)).toContainEqual({ path: 'components', message: expect.stringContaining('must sum to 1') });
  });

  it('rejects category weights that do not sum to 1', () => {
    const p = { ...defaultPolicy, assessment: { ...defaultPolicy.assessment, categoryWeights: { tax_law: 0.5, law: 0.2 } } };
    expect(issues(p).map((i) => i.path)).toContain('assessment.categoryWeights');
  });

  it('rejects tiers that are not ordered from the highest down', () => {
    const tiers = [defaultPolicy.tiers[1], defaultPolicy.tiers[0], ...defaultPolicy.tiers.slice(2)];
    expect(issues({ ...defaultPolicy, tiers }).map((i) => i.path)).toContain('tiers.1');
    const sameScore = defaultPolicy.tiers.map((t) => (t.level === 4 ? { ...t, minScore: 85 } : t));
    expect(issues({ ...defaultPolicy, tiers: sameScore }).map((i) => i.path)).toContain('tiers.1');
  });

  it('rejects a lowest tier that does not start at 0', () => {
    const tiers = defaultPolicy.tiers.map((t) => (t.level === 1 ? { ...t, minScore: 10 } : t));
    expect(issues({ ...defaultPolicy, tiers }).map((i) => i.path)).toContain('tiers.4.minScore');
  });

  it.each([0, -0.1, 1.01])('rejects a max share of %s (outside (0, 1])', (share) => {
    const tiers = defaultPolicy.tiers.map((t) => (t.level === 5 ? { ...t, maxShare: share } : t));
    expect(issues({ ...defaultPolicy, tiers }).map((i) => i.path)).toContain('tiers.0.maxShare');
  });

  it('accepts a max share of exactly 1 and no cap (null)', () => {
    const tiers = defaultPolicy.tiers.map((t) => (t.level === 5 ? { ...t, maxShare: 1 } : t.level === 4 ? { ...t, maxShare: null } : t));
    expect(issues({ ...defaultPolicy, tiers })).toEqual([]);
  });

  it('parses a stored v1 document to the very same JSON (no defaults added, so its hash holds)', () => {
    expect(JSON.stringify(policySchema.parse(JSON.parse(JSON.stringify(policyV1))))).toBe(JSON.stringify(policyV1));
    expect(JSON.stringify(policySchema.parse(JSON.parse(JSON.stringify(policyV2))))).toBe(JSON.stringify(policyV2));
  });

  it('refuses proration by active days without decimal arithmetic', () => {
    expect(issues({ ...policyV1, proration: 'active_days' })).toContainEqual({ path: 'proration', message: expect.stringContaining('"arithmetic": "decimal"') });
    expect(issues({ ...policyV2, proration: 'sometimes' }).map((i) => i.path)).toContain('proration');
    expect(issues({ ...policyV2, arithmetic: 'float' }).map((i) => i.path)).toContain('arithmetic');
  });

  it('under decimal arithmetic wants millionths for weights, coefficients and points, fen for the base', () => {
    const p = {
      ...policyV2,
      workload: { ...policyV2.workload, itemWeights: { ...policyV2.workload.itemWeights, invoice_review: 0.1234567 } },
      penalties: { ...policyV2.penalties, severity: { ...policyV2.penalties.severity, medium: 2.0000001 } },
      tiers: policyV2.tiers.map((t) => (t.level === 4 ? { ...t, coefficient: 1.1500001 } : t)),
      baseAllowance: 3000.005,
    };
    expect(issues(p).map((i) => i.path).sort()).toEqual(['baseAllowance', 'penalties.severity.medium', 'tiers.1.coefficient', 'workload.itemWeights.invoice_review']);
    // v1 documents are not held to it: they were accepted without it.
    expect(issues({ ...p, arithmetic: undefined, proration: undefined })).toEqual([]);
  });

  it('checks sums of weights exactly under decimal arithmetic', () => {
    // 0.35 + 0.3 + 0.25 + 0.1 is 0.9999999999999999 in binary and exactly 1 in decimal.
    expect(issues(policyV2)).toEqual([]);
    const off = { ...policyV2, components: { workload: 0.35, assessment: 0.3, feedback: 0.25, tenure: 0.100001 } };
    expect(issues(off).map((i) => i.path)).toContain('components');
    // Within binary's 1e-9 tolerance, but not in millionths: named where it is.
    const tiny = { ...policyV2, components: { workload: 0.35, assessment: 0.3, feedback: 0.25, tenure: 0.1000000001 } };
    expect(issues(tiny).map((i) => i.path)).toEqual(['components.tenure']);
    expect(issues({ ...tiny, arithmetic: undefined, proration: undefined })).toEqual([]);
  });

  it('validates the annual section and falls back to its defaults', () => {
    expect(annualPolicyOf(policyV1)).toBe(defaultAnnualPolicy);
    expect(annualPolicyOf(policyV2)).toEqual({ minQuarters: 2, tieBreakTier: 5, excellent: { minScore: 80, maxShare: 0.15, barringSeverities: ['high', 'critical'] }, competent: { minScore: 60 }, basicallyCompetent: { minScore: 45 } });
    const crossed = { ...policyV2, annual: { ...defaultAnnualPolicy, competent: { minScore: 85 } } };
    expect(issues(crossed).map((i) => i.path)).toContain('annual');
    const bad = { ...policyV2, annual: { ...defaultAnnualPolicy, minQuarters: 5, excellent: { ...defaultAnnualPolicy.excellent, maxShare: 0, barringSeverities: ['severe'] } } };
    expect(issues(bad).map((i) => i.path).sort()).toEqual(['annual.excellent.barringSeverities.0', 'annual.excellent.maxShare', 'annual.minQuarters']);
    expect(annualQuota(defaultAnnualPolicy, 20)).toBe(3);
    expect(annualQuota(defaultAnnualPolicy, 6)).toBe(0);
  });
});
