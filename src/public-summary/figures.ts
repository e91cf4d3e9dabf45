/**
 * The figures of a quarter's public summary (一公开, DESIGN section 4): flags raised, confirmed and
 * dismissed by rule and unit; the spot check's outcomes; feedback averages and complaint counts
 * by unit. A cell counting fewer than `minCell` cases (but some) is published as null, so no
 * figure points at a handful of people; zero is published, it points at nobody.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { parsePeriod } from '../core/period.js';

export const publicPolicy = {
  version: 'public-v1',
  /** Cells from this many cases up are published; 1 to minCell - 1 are suppressed. */
  minCell: 5,
  /** The schedule publishes a quarter this many days after it ends (its flags and spot checks worked by then). */
  publishAfterDays: 30,
} as const;

export interface FlagCounts {
  raised: number | null;
  confirmed: number | null;
  dismissed: number | null;
}

export interface PublicFigures {
  period: string;
  policy: string;
  minCell: number;
  flags: {
    byRule: ({ rule: string } & FlagCounts)[];
    byRuleAndUnit: ({ rule: string; unitCode: string } & FlagCounts)[];
  };
  spotCheck: { drawn: number; compliant: number; findings: number; pending: number } | null;
  units: { unitCode: string; unitName: string; responses: number; feedbackAverage: number | null; complaints: number | null }[];
}

/** A count as published: itself from minCell up (and 0); null for 1..minCell-1. */
export const cell = (n: number, min: number = publicPolicy.minCell): number | null => (n === 0 || n >= min ? n : null);

/** The figures of `period` from the database as it is now. */
export async function computeFigures(db: Db, period: string): Promise<PublicFigures> {
  const p = parsePeriod(period)!;
  const inP = (col: string) => sql.raw(`substr(${col}, 1, 10) between '${p.start}' and '${p.end}'`);
  const flagRows = await db.all<{ rule: string; unit: string; raised: number; confirmed: number; dismissed: number }>(sql`
    select f.rule as rule, o.unit_code as unit,
           sum(case when ${inP('f.raised_at')} then 1 else 0 end) as raised,
           sum(case when f.outcome = 'confirmed' and ${inP('f.closed_at')} then 1 else 0 end) as confirmed,
           sum(case when f.outcome = 'false_positive' and ${inP('f.closed_at')} then 1 else 0 end) as dismissed
      from flags f join officers o on o.code = f.subject_code
     where ${inP('f.raised_at')} or ${inP('coalesce(f.closed_at, \'\')')}
     group by f.rule, o.unit_code
     order by f.rule, o.unit_code`);
  const byRule = new Map<string, { raised: number; confirmed: number; dismissed: number }>();
  for (const r of flagRows) {
    const t = byRule.get(r.rule) ?? { raised: 0, confirmed: 0, dismissed: 0 };
    t.raised += Number(r.raised);
    t.confirmed += Number(r.confirmed);
    t.dismissed += Number(r.dismissed);
    byRule.set(r.rule, t);
  }
  const counts = (x: { raised: number; confirmed: number; dismissed: number }): FlagCounts => ({ raised: cell(Number(x.raised)), confirmed: cell(Number(x.confirmed)), dismissed: cell(Number(x.dismissed)) });

  const [spot] = await db.all<{ drawn: number; compliant: number; findings: number }>(sql`
    select count(*) as drawn, coalesce(sum(i.outcome = 'compliant'), 0) as compliant, coalesce(sum(i.outcome = 'finding'), 0) as findings
      from spot_checks s join spot_check_items i on i.spot_check_id = s.id where s.period = ${period}`);
  const [hasSpot] = await db.all<{ n: number }>(sql`select count(*) as n from spot_checks where period = ${period}`);

  // Complaints as the complaints table records them: by the named officer's unit, on the day received.
  const units = await db.all<{ code: string; name: string; responses: number; average: number | null; complaints: number }>(sql`
    select u.code as code, u.name as name,
           (select count(*) from feedback_responses r join officers o on o.code = r.officer_code
             where o.unit_code = u.code and r.period = ${period} and r.status = 'accepted') as responses,
           (select avg(r.mean) from feedback_responses r join officers o on o.code = r.officer_code
             where o.unit_code = u.code and r.period = ${period} and r.status = 'accepted') as average,
           (select count(*) from complaints c join officers o on o.code = c.officer_code
             where o.unit_code = u.code and ${inP('c.created_at')}) as complaints
      from units u order by u.code`);

  return {
    period,
    policy: publicPolicy.version,
    minCell: publicPolicy.minCell,
    flags: {
      byRule: [...byRule.entries()].map(([rule, x]) => ({ rule, ...counts(x) })),
      byRuleAndUnit: flagRows.map((r) => ({ rule: r.rule, unitCode: r.unit, ...counts(r) })),
    },
    spotCheck: Number(hasSpot?.n ?? 0) > 0
      ? { drawn: Number(spot!.drawn), compliant: Number(spot!.compliant), findings: Number(spot!.findings), pending: Number(spot!.drawn) - Number(spot!.compliant) - Number(spot!.findings) }
      : null,
    units: units.map((u) => {
      const n = Number(u.responses);
      return {
        unitCode: u.code,
        unitName: u.name,
        responses: n,
        // Two decimals, as published; only from minCell responses up.
        feedbackAverage: n >= publicPolicy.minCell && u.average !== null ? Math.round(Number(u.average) * 100) / 100 : null,
        complaints: cell(Number(u.complaints)),
      };
    }),
  };
}
