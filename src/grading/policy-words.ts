/**
 * A grading policy in plain words, and what a proposal changes, for the people it grades (DESIGN
 * 3: officers see the policy in effect in plain words before they are graded by it; HR sees each
 * proposal's differences from the policy in effect). Sentences come from the grading catalogue
 * (messages.ts), so a zh-CN page reads Chinese throughout: kinds, categories and settings have
 * their own words. A setting this file does not know (a later policy version's) is still listed,
 * by its path, rather than silently left out.
 */
import type { Policy } from '../../scoring/policy.js';
import { payoutOf } from '../../scoring/components.js';

/** A tier's payout for a whole quarter (one active day of a one-day period: the proration factor 1). */
const fullQuarterPayout = (policy: Policy, coefficient: number) => payoutOf(policy, coefficient, 1, { start: '2026-01-01', end: '2026-01-01' });

/** A page's translator over the grading catalogue (pages/i18n.ts `Translate`; said here so a domain file needs no page). */
export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** A number as short as it prints. */
const num = (x: number) => (Number.isInteger(x) ? String(x) : String(Number(x.toFixed(6))));
const pct = (share: number) => `${num(share * 100)}%`;
const yuan = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** The catalogue's word for a key, or the key itself where the catalogue has none (a custom kind). */
function word(t: Translate, prefix: string, key: string): string {
  const full = `${prefix}.${key}`;
  const w = t(full);
  return w === full ? key : w;
}

const componentKeys = ['workload', 'assessment', 'feedback', 'tenure'] as const;

/** The policy as sentences: weights, workload points, assessment, feedback, tenure, penalties, eligibility, tiers and quotas, allowance. */
export function describePolicy(policy: Policy, t: Translate): string[] {
  const c = policy.components;
  const list = (entries: [string, number][], prefix: string, fmt: (x: number) => string) =>
    entries.map(([k, v]) => t('pol.words.item', { name: word(t, prefix, k), value: fmt(v) })).join(t('pol.words.sep'));
  const lines = [
    t('pol.words.weights', { workload: pct(c.workload), assessment: pct(c.assessment), feedback: pct(c.feedback), tenure: pct(c.tenure) }),
    t('pol.words.workload', { items: list(Object.entries(policy.workload.itemWeights), 'pol.kind', num), min: policy.workload.minPeerGroupSize }),
    t('pol.words.assessment', { quarters: policy.assessment.lookbackQuarters, items: list(Object.entries(policy.assessment.categoryWeights), 'pol.category', pct) }),
    t('pol.words.feedback', { c: num(policy.feedback.priorWeight), prior: num(policy.feedback.defaultPrior) }),
    t('pol.words.tenure', { years: num(policy.tenure.capYears) }),
    t('pol.words.penalties', { ...mapValues(policy.penalties.severity, num), max: num(policy.penalties.max) }),
    t('pol.words.eligibility', { days: policy.eligibility.minActiveDays }),
    t('pol.words.tiersIntro'),
    ...policy.tiers.map((tier) =>
      t('pol.words.tier', {
        level: tier.level,
        min: num(tier.minScore),
        cap: tier.maxShare === null ? t('pol.words.noCap') : t('pol.words.cap', { share: pct(tier.maxShare) }),
        coefficient: tier.coefficient.toFixed(2),
        payout: yuan(fullQuarterPayout(policy, tier.coefficient)),
      }),
    ),
    t('pol.words.allowance', { amount: yuan(policy.baseAllowance) }),
  ];
  if (policy.arithmetic === 'decimal') lines.push(t('pol.words.decimal'));
  if (policy.proration !== undefined) lines.push(t(policy.proration === 'active_days' ? 'pol.words.prorated' : 'pol.words.notProrated'));
  if (policy.annual) {
    const a = policy.annual;
    lines.push(
      t('pol.words.annual', {
        minQuarters: a.minQuarters,
        excellent: num(a.excellent.minScore),
        share: pct(a.excellent.maxShare),
        barring: a.excellent.barringSeverities.map((s) => word(t, 'pol.severity', s)).join(t('pol.words.sep')),
        competent: num(a.competent.minScore),
        basic: num(a.basicallyCompetent.minScore),
        tier: a.tieBreakTier,
      }),
    );
  }
  // Settings of a later policy version that the sentences above do not cover.
  for (const [path, value] of flatten(policy)) if (!isKnown(path)) lines.push(t('pol.words.other', { path, value: show(value) }));
  return lines;
}

function mapValues<T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

type Leaf = string | number | boolean | null;

/**
 * The policy as path -> value: objects by key (`workload.itemWeights.key_taxpayer`), tiers by
 * level (`tiers.5.minScore`), any other array as its JSON.
 */
export function flatten(policy: Policy): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  const walk = (v: unknown, path: string) => {
    if (path === 'tiers' && Array.isArray(v)) {
      for (const tier of v as Policy['tiers']) for (const [k, x] of Object.entries(tier)) if (k !== 'level') walk(x, `tiers.${tier.level}.${k}`);
      return;
    }
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, path ? `${path}.${k}` : k);
      return;
    }
    out.set(path, Array.isArray(v) ? JSON.stringify(v) : (v as Leaf) ?? null);
  };
  walk(policy, '');
  return out;
}

const knownScalars: Record<string, string> = {
  version: 'version',
  'workload.minPeerGroupSize': 'minPeerGroupSize',
  'assessment.lookbackQuarters': 'lookbackQuarters',
  'feedback.priorWeight': 'priorWeight',
  'feedback.defaultPrior': 'defaultPrior',
  'tenure.capYears': 'capYears',
  'penalties.max': 'penaltyMax',
  'eligibility.minActiveDays': 'minActiveDays',
  arithmetic: 'arithmetic',
  proration: 'proration',
  'annual.minQuarters': 'annualMinQuarters',
  'annual.tieBreakTier': 'annualTieBreakTier',
  'annual.excellent.minScore': 'annualExcellentMin',
  'annual.excellent.maxShare': 'annualExcellentShare',
  'annual.excellent.barringSeverities': 'annualBarring',
  'annual.competent.minScore': 'annualCompetentMin',
  'annual.basicallyCompetent.minScore': 'annualBasicMin',
};

function isKnown(path: string): boolean {
  return (
    path in knownScalars ||
    path === 'baseAllowance' ||
    /^components\.[a-z]+$/.test(path) ||
    /^workload\.itemWeights\./.test(path) ||
    /^assessment\.categoryWeights\./.test(path) ||
    /^penalties\.severity\./.test(path) ||
    /^tiers\.\d+\.(minScore|maxShare|coefficient)$/.test(path)
  );
}

const show = (v: Leaf | undefined): string => (v === undefined || v === null ? '–' : typeof v === 'number' ? num(v) : String(v));

/**
 * What `to` changes compared with `from`, one sentence each, in policy order; an empty list when
 * nothing differs. Money changes say by what factor (a tenfold allowance is hard to miss).
 */
export function policyDifferences(from: Policy, to: Policy, t: Translate): string[] {
  const a = flatten(from);
  const b = flatten(to);
  const out: string[] = [];
  const levelsA = new Set(from.tiers.map((x) => x.level));
  const levelsB = new Set(to.tiers.map((x) => x.level));
  const paths = [...b.keys(), ...[...a.keys()].filter((k) => !b.has(k))];
  for (const path of paths) {
    const x = a.get(path);
    const y = b.get(path);
    if (x === y) continue;
    const tier = /^tiers\.(\d+)\.(\w+)$/.exec(path);
    if (tier) {
      const level = Number(tier[1]);
      if (!levelsA.has(level) || !levelsB.has(level)) continue; // said once below
      const field = tier[2]!;
      const fmt = field === 'maxShare' ? (v: Leaf | undefined) => (v === null || v === undefined ? t('pol.words.noCapShort') : pct(v as number)) : field === 'coefficient' ? (v: Leaf | undefined) => (v as number).toFixed(2) : show;
      out.push(t(`pol.diff.tier.${field}`, { level, from: fmt(x), to: fmt(y) }));
      continue;
    }
    out.push(changeSentence(path, x, y, t));
  }
  for (const tierB of to.tiers) if (!levelsA.has(tierB.level)) out.push(t('pol.diff.tierAdded', { level: tierB.level, min: num(tierB.minScore), coefficient: tierB.coefficient.toFixed(2) }));
  for (const tierA of from.tiers) if (!levelsB.has(tierA.level)) out.push(t('pol.diff.tierRemoved', { level: tierA.level }));
  return out;
}

function changeSentence(path: string, x: Leaf | undefined, y: Leaf | undefined, t: Translate): string {
  const added = x === undefined;
  const removed = y === undefined;
  const sub = (prefix: string) => path.slice(prefix.length);
  if (path === 'baseAllowance') {
    const ratio = typeof x === 'number' && typeof y === 'number' && x > 0 ? num(Number((y / x).toFixed(2))) : '–';
    return t('pol.diff.allowance', { from: yuan(x as number), to: yuan(y as number), ratio });
  }
  if (path.startsWith('components.')) return t('pol.diff.weight', { name: word(t, 'pol.component', sub('components.')), from: added ? '–' : pct(x as number), to: removed ? '–' : pct(y as number) });
  if (path.startsWith('workload.itemWeights.')) {
    const name = word(t, 'pol.kind', sub('workload.itemWeights.'));
    if (added) return t('pol.diff.itemAdded', { name, to: show(y) });
    if (removed) return t('pol.diff.itemRemoved', { name, from: show(x) });
    return t('pol.diff.item', { name, from: show(x), to: show(y) });
  }
  if (path.startsWith('assessment.categoryWeights.')) {
    const name = word(t, 'pol.category', sub('assessment.categoryWeights.'));
    return t('pol.diff.category', { name, from: added ? '–' : pct(x as number), to: removed ? '–' : pct(y as number) });
  }
  if (path.startsWith('penalties.severity.')) return t('pol.diff.penalty', { name: word(t, 'pol.severity', sub('penalties.severity.')), from: show(x), to: show(y) });
  const setting = knownScalars[path];
  if (setting) return t('pol.diff.setting', { name: t(`pol.setting.${setting}`), from: show(x), to: show(y) });
  return t('pol.diff.other', { path, from: show(x), to: show(y) });
}
