/**
 * The engine's input for one period, aggregated per officer in SQL. A run never reads raw
 * feedback responses or decisions: feedback arrives as (count, sum of response means) per
 * officer, penalties as the confirmed flags of the period (a handful per officer at most).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { PeriodRange } from '../core/period.js';
import type { Policy } from '../../scoring/policy.js';
import { assessmentWindow, type EngineInput, type OfficerInput } from '../../scoring/index.js';
import { sha256Hex } from '../core/ids.js';
import { inputText } from './digest.js';

/** The day after `YYYY-MM-DD`, so `time < nextDay(end)` keeps every instant of the last day. */
export function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * A REAL as text that converts back to the very same double: SQLite's JSON functions print REALs
 * with 15 significant digits (lossy), while `printf('%!.17g')` prints 17, which always round-trips
 * (test/grading/inputs-read.test.ts and test/workers/grading.test.ts check it on libsql and D1).
 */
const exact = (column: string) => sql.raw(`printf('%!.17g', ${column})`);

/** One officer's input as the query returns it (a JSON array; see `loadEngineInput`). */
type OfficerCell = [
  code: string,
  name: string,
  unitCode: string,
  peerGroup: string,
  team: string,
  hireDate: string,
  positionStartDate: string,
  leaveDate: string | null,
  workload: Record<string, string> | null,
  assessments: [category: string, raw: string, max: string, takenOn: string][] | null,
  feedbackN: number | null,
  feedbackSumMeans: string | null,
  penalties: [flagId: string, rule: string, severity: OfficerInput['penalties'][number]['severity']][] | null,
];

/**
 * Reads every officer's input in ONE statement (one snapshot on libsql and D1 alike): officers
 * whose employment [hire date, leave date] overlaps the period, each with the period's workload
 * per kind, the assessments in the lookback window, the accepted feedback as (count, sum of
 * response means) and the penalties (flags confirmed in the period). Eligibility (active days) is
 * the engine's decision, so that not-graded officers appear with a reason.
 *
 * Each officer comes back as one JSON cell rather than as rows per (officer, kind) and per
 * assessment: the driver then builds 10,000 one-column rows instead of some 90,000 rows of named
 * columns, which was most of a large run's read time and garbage (ADR 0003). A cell stays small
 * (D1 limits a string value to 1 MB, so one cell for the whole bureau would not do).
 */
export async function loadEngineInput(db: Db, period: PeriodRange, policy: Policy): Promise<EngineInput> {
  // The SQL pre-filters with the engine's own window; the engine applies it again.
  const from = assessmentWindow(policy, period).start;
  const endExclusive = nextDay(period.end);
  const cells = await db.all<{ j: string }>(sql`
    with
      w as (select officer_code, json_group_object(kind, ${exact('total')}) as j
            from (select officer_code, kind, sum(count) as total from workload
                  where period = ${period.code} group by officer_code, kind)
            group by officer_code),
      a as (select officer_code, json_group_array(json_array(category, ${exact('raw')}, ${exact('max')}, taken_on) order by category, taken_on) as j
            from assessments where taken_on >= ${from} and taken_on <= ${period.end}
            group by officer_code),
      f as (select officer_code, count(*) as n, ${exact('sum(mean)')} as s
            from feedback_responses where period = ${period.code} and status = 'accepted'
            group by officer_code),
      p as (select subject_code, json_group_array(json_array(id, rule, severity) order by id) as j
            from flags where outcome = 'confirmed' and closed_at >= ${period.start} and closed_at < ${endExclusive}
            group by subject_code)
    select json_array(o.code, o.name, o.unit_code, u.peer_group, o.team, o.hire_date, o.position_start_date,
                      o.leave_date, json(w.j), json(a.j), f.n, f.s, json(p.j)) as j
    from officers o join units u on u.code = o.unit_code
      left join w on w.officer_code = o.code
      left join a on a.officer_code = o.code
      left join f on f.officer_code = o.code
      left join p on p.subject_code = o.code
    where o.hire_date <= ${period.end} and (o.leave_date is null or o.leave_date >= ${period.start})
    order by o.code`);

  const officers: OfficerInput[] = [];
  for (const { j } of cells) {
    const [code, name, unitCode, peerGroup, team, hireDate, positionStartDate, leaveDate, work, tests, n, sumMeans, flags] = JSON.parse(j) as OfficerCell;
    const workload: Record<string, number> = {};
    if (work) for (const kind in work) workload[kind] = Number(work[kind]);
    officers.push({
      code,
      name,
      unitCode,
      peerGroup,
      team,
      hireDate,
      positionStartDate,
      leaveDate,
      workload,
      assessments: tests ? tests.map(([category, raw, max, takenOn]) => ({ category, raw: Number(raw), max: Number(max), takenOn })) : [],
      feedback: n ? { n, sumMeans: Number(sumMeans) } : { n: 0, sumMeans: 0 },
      penalties: flags ? flags.map(([flagId, rule, severity]) => ({ flagId, rule, severity })) : [],
    });
  }
  return { period: { code: period.code, start: period.start, end: period.end }, officers };
}

/**
 * Input digest = SHA-256(canonicalJson(input)), hex. Officers are sorted by code and each
 * officer's lists by their natural keys before hashing (the SQL already orders them; sorting
 * again keeps the digest independent of how the input was built), and canonical JSON sorts
 * object keys, so the same inputs always give the same digest.
 */
export async function inputDigest(input: EngineInput): Promise<string> {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const officers = [...input.officers].sort((a, b) => cmp(a.code, b.code));
  // Sorted copies only where the order could differ (the SQL orders them already, but not
  // assessments tied on category and date); the objects themselves are hashed as they are.
  const hashed = officers.map((o) => {
    const assessments = o.assessments.length > 1 ? [...o.assessments].sort((a, b) => cmp(a.category, b.category) || cmp(a.takenOn, b.takenOn) || a.raw - b.raw) : o.assessments;
    const penalties = o.penalties.length > 1 ? [...o.penalties].sort((a, b) => cmp(a.flagId, b.flagId)) : o.penalties;
    return assessments === o.assessments && penalties === o.penalties ? o : { ...o, assessments, penalties };
  });
  return sha256Hex(inputText(input.period, hashed));
}
