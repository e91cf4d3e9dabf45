import { describe, expect, it } from 'vitest';
import { defaultPolicy, policySchema, assessmentCategories, workloadKinds } from '../../scoring/index.js';

const issues = (p: unknown) => {
  const r = policySchema.safeParse(p);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('policy schema', () => {
  it('accepts the v1 defaults of DESIGN 3', () => {
    expect(issues(defaultPolicy)).toEqual([]);
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
});
