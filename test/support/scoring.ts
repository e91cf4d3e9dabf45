/** Factories for the pure grading engine's inputs (scoring/). */
import type { EngineInput, OfficerInput } from '../../scoring/index.js';

export const q3 = { code: '2026Q3', start: '2026-07-01', end: '2026-09-30' } as const;

/**
 * An officer in service for the whole of 2026Q3, in position since 2000 (tenure capped: 100),
 * no workload, no assessments, no feedback, no flags. Override what the test is about.
 */
export function officer(code: string, over: Partial<OfficerInput> = {}): OfficerInput {
  return {
    code,
    unitCode: 'U1',
    peerGroup: 'urban',
    team: 'service',
    hireDate: '2000-01-01',
    positionStartDate: '2000-01-01',
    leaveDate: null,
    workload: {},
    assessments: [],
    feedback: { n: 0, sumMeans: 0 },
    penalties: [],
    ...over,
  };
}

export function run(officers: OfficerInput[], period: EngineInput['period'] = q3): EngineInput {
  return { period: { ...period }, officers };
}

/** `n` officers with codes `${prefix}01`.. built by `make(i)`. */
export function many(prefix: string, n: number, make: (i: number) => Partial<OfficerInput> = () => ({})) {
  return Array.from({ length: n }, (_, i) => officer(`${prefix}${String(i + 1).padStart(2, '0')}`, make(i)));
}
