import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from '../../src/audit/canonical.js';
import { figuresText, inputText } from '../../src/grading/digest.js';
import type { OfficerInput } from '../../scoring/types.js';

const date = fc.integer({ min: 0, max: 20_000 }).map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
const text = fc.oneof(fc.string(), fc.constantFrom('郭宁', 'a"b\\c', '\u2028', '\ud800', 'tax_law'));
const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constant(-0));
const officer: fc.Arbitrary<OfficerInput> = fc.record(
  {
    code: text,
    name: text,
    unitCode: text,
    peerGroup: text,
    team: text,
    hireDate: date,
    positionStartDate: date,
    leaveDate: fc.option(date, { nil: null }),
    workload: fc.dictionary(fc.oneof(text, fc.constantFrom('7', '01', '__proto__', '__proto__x', 'Zeta', 'alpha')), number),
    assessments: fc.array(fc.record({ category: text, raw: number, max: number, takenOn: date }), { maxLength: 4 }),
    feedback: fc.record({ n: fc.nat(), sumMeans: number }),
    penalties: fc.array(fc.record({ flagId: text, rule: text, severity: fc.constantFrom('low', 'medium', 'high', 'critical') as fc.Arbitrary<'low'> }), { maxLength: 3 }),
  },
  { requiredKeys: ['code', 'unitCode', 'peerGroup', 'team', 'hireDate', 'positionStartDate', 'leaveDate', 'workload', 'assessments', 'feedback', 'penalties'] },
);
const period = fc.record({ code: text, start: date, end: date });

describe('digest texts', () => {
  it('inputText is canonicalJson({ period, officers }) byte for byte', () => {
    fc.assert(
      fc.property(period, fc.array(officer, { maxLength: 5 }), (p, officers) => inputText(p, officers) === canonicalJson({ period: p, officers })),
      { numRuns: 2_000 },
    );
  });

  it('falls back to canonicalJson off the known shapes, errors included', () => {
    const p = { code: '2026Q3', start: '2026-07-01', end: '2026-09-30' };
    const o: OfficerInput = { code: 'A', unitCode: 'U', peerGroup: 'urban', team: 't', hireDate: '2020-01-01', positionStartDate: '2020-01-01', leaveDate: null, workload: { b: 1, a: 2 }, assessments: [], feedback: { n: 0, sumMeans: 0 }, penalties: [] };
    const extra = { ...o, extra: { z: 1, y: [undefined, 2] } } as OfficerInput;
    expect(inputText(p, [extra])).toBe(canonicalJson({ period: p, officers: [extra] }));
    const named = { ...o, name: undefined };
    expect(inputText(p, [named])).toBe(canonicalJson({ period: p, officers: [named] }));
    const bad = { ...o, feedback: { n: 1, sumMeans: Number.NaN } };
    expect(() => inputText(p, [bad])).toThrow('canonicalJson: non-finite number');
  });

  it('figuresText is canonicalJson(figures) byte for byte', () => {
    const scores = fc.option(fc.record({ workload: number, assessment: fc.option(number, { nil: null }), feedback: number, tenure: number }), { nil: null });
    const n = fc.option(number, { nil: null });
    const fig = fc.tuple(text, fc.constantFrom('graded', 'not_graded'), n, scores, scores, number, n, n, n, n);
    fc.assert(fc.property(fc.array(fig, { maxLength: 5 }), (figs) => figuresText(figs as unknown as Parameters<typeof figuresText>[0]) === canonicalJson(figs)), { numRuns: 2_000 });
  });
});
