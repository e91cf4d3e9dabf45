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

/** An officer as the engine takes it, before the per-officer aggregates are attached. */
type OfficerRow = Omit<OfficerInput, 'workload' | 'assessments' | 'feedback' | 'penalties'> & { name: string };

/**
 * Reads the five per-officer aggregates in one `db.batch`, which runs them in one read
 * transaction on libsql and D1: the run sees one consistent snapshot of its inputs.
 * Officers: everyone whose employment [hire date, leave date] overlaps the period; eligibility
 * (active days) is the engine's decision, so that not-graded officers appear with a reason.
 */
export async function loadEngineInput(db: Db, period: PeriodRange, policy: Policy): Promise<EngineInput> {
  // The SQL pre-filters with the engine's own window; the engine applies it again.
  const from = assessmentWindow(policy, period).start;
  const endExclusive = nextDay(period.end);
  const [officerRows, workloadRows, assessmentRows, feedbackRows, penaltyRows] = await db.batch([
    db.all<OfficerRow>(sql`
      select o.code as code, o.name as name, o.unit_code as unitCode, u.peer_group as peerGroup,
             o.team as team, o.hire_date as hireDate, o.position_start_date as positionStartDate,
             o.leave_date as leaveDate
      from officers o join units u on u.code = o.unit_code
      where o.hire_date <= ${period.end} and (o.leave_date is null or o.leave_date >= ${period.start})
      order by o.code`),
    db.all<{ officerCode: string; kind: string; total: number }>(sql`
      select officer_code as officerCode, kind, sum(count) as total
      from workload where period = ${period.code}
      group by officer_code, kind order by officer_code, kind`),
    db.all<{ officerCode: string; category: string; raw: number; max: number; takenOn: string }>(sql`
      select officer_code as officerCode, category, raw, max, taken_on as takenOn
      from assessments where taken_on >= ${from} and taken_on <= ${period.end}
      order by officer_code, category, taken_on`),
    db.all<{ officerCode: string; n: number; sumMeans: number }>(sql`
      select officer_code as officerCode, count(*) as n, sum(mean) as sumMeans
      from feedback_responses where period = ${period.code} and status = 'accepted'
      group by officer_code order by officer_code`),
    db.all<{ officerCode: string; flagId: string; rule: string; severity: string }>(sql`
      select subject_code as officerCode, id as flagId, rule, severity
      from flags where outcome = 'confirmed' and closed_at >= ${period.start} and closed_at < ${endExclusive}
      order by subject_code, id`),
  ]);

  const byCode = new Map<string, OfficerInput>();
  const officers: OfficerInput[] = [];
  for (const o of officerRows as OfficerRow[]) {
    const input: OfficerInput = {
      code: o.code,
      name: o.name,
      unitCode: o.unitCode,
      peerGroup: o.peerGroup,
      team: o.team,
      hireDate: o.hireDate,
      positionStartDate: o.positionStartDate,
      leaveDate: o.leaveDate ?? null,
      workload: {},
      assessments: [],
      feedback: { n: 0, sumMeans: 0 },
      penalties: [],
    };
    byCode.set(o.code, input);
    officers.push(input);
  }
  // Rows for officers outside the period's employment window are ignored: they are not graded.
  for (const w of workloadRows as { officerCode: string; kind: string; total: number }[]) {
    const o = byCode.get(w.officerCode);
    if (o) o.workload[w.kind] = Number(w.total);
  }
  for (const a of assessmentRows as { officerCode: string; category: string; raw: number; max: number; takenOn: string }[]) {
    byCode.get(a.officerCode)?.assessments.push({ category: a.category, raw: Number(a.raw), max: Number(a.max), takenOn: a.takenOn });
  }
  for (const f of feedbackRows as { officerCode: string; n: number; sumMeans: number }[]) {
    const o = byCode.get(f.officerCode);
    if (o) o.feedback = { n: Number(f.n), sumMeans: Number(f.sumMeans) };
  }
  for (const p of penaltyRows as { officerCode: string; flagId: string; rule: string; severity: string }[]) {
    byCode.get(p.officerCode)?.penalties.push({ flagId: p.flagId, rule: p.rule, severity: p.severity as OfficerInput['penalties'][number]['severity'] });
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
