/**
 * The pure grading engine on a large synthetic run: `npx tsx bench/grading-engine.ts [officers]`.
 * Goal: a provincial bureau's run (20,000 officers) grades in well under 5 s on one core.
 */
import { defaultPolicy, gradeOfficers, type OfficerInput } from '../scoring/index.js';

const n = Number(process.argv[2] ?? 20_000);
const kinds = Object.keys(defaultPolicy.workload.itemWeights);
const categories = Object.keys(defaultPolicy.assessment.categoryWeights);
const officers: OfficerInput[] = Array.from({ length: n }, (_, i) => ({
  code: `OF${String(i).padStart(6, '0')}`,
  unitCode: `U${i % 40}`,
  peerGroup: ['urban', 'county', 'rural'][i % 3]!,
  team: 'service',
  hireDate: i % 50 === 0 ? '2026-09-01' : '2010-01-01',
  positionStartDate: `${2000 + (i % 26)}-0${1 + (i % 9)}-15`,
  leaveDate: null,
  workload: Object.fromEntries(kinds.map((k, j) => [k, (i * 7 + j * 13) % 50])),
  assessments: categories.flatMap((c, j) => (i + j) % 4 === 0 ? [] : [{ category: c, raw: (i * 3 + j) % 101, max: 100, takenOn: `2026-0${1 + ((i + j) % 9)}-10` }]),
  feedback: { n: i % 12, sumMeans: (i % 12) * (1 + ((i * 17) % 40) / 10) },
  penalties: i % 30 === 0 ? [{ flagId: `F${i}`, rule: 'complaint', severity: 'high' }] : [],
}));
const period = { code: '2026Q3', start: '2026-07-01', end: '2026-09-30' };
for (let round = 1; round <= 3; round++) {
  const t = performance.now();
  const out = gradeOfficers(defaultPolicy, { period, officers });
  console.log(`round ${round}: ${n} officers (${out.graded} graded) in ${(performance.now() - t).toFixed(0)} ms; tiers ${JSON.stringify(out.tierCounts)}`);
}
