/**
 * Response rates (issue 15): per officer and per unit, how many invitations were issued in a
 * period, how many of those were answered, and the rate; and the officers whose feedback score
 * rests on too few responses to be stable (their component leans on the prior, DESIGN 3).
 * Invitations count in the quarter they were issued in, answered whenever the answer came;
 * responses (for stability) in the quarter they were submitted in, accepted only, as grading
 * counts them. Counts only: nobody's ratings.
 */
import { sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Ctx } from '../core/context.js';
import { parsePeriod, periodSpan } from '../core/period.js';
import { STABLE_MIN_RESPONSES } from './policy.js';

const rate = z.number().nullable().openapi({ description: 'answered / invited; null without invitations' });
const rateRow = { invited: z.number().int(), answered: z.number().int(), responseRate: rate, responses: z.number().int() };

export const responseRatesOutput = z
  .object({
    period: z.string(),
    officers: z.array(z.object({ officerCode: z.string(), unitCode: z.string(), ...rateRow })),
    units: z.array(z.object({ unitCode: z.string(), unitName: z.string(), ...rateRow })),
    /** Officers with fewer accepted responses in the period than `minResponses`, fewest first. */
    lowResponse: z.object({
      minResponses: z.number().int(),
      officers: z.array(z.object({ officerCode: z.string(), unitCode: z.string(), responses: z.number().int() })),
    }),
  })
  .openapi('ResponseRates');
export type ResponseRates = z.infer<typeof responseRatesOutput>;

type Row = { code: string; unit_code: string; unit_name: string; invited: number; answered: number; responses: number };

const rateOf = (answered: number, invited: number) => (invited > 0 ? answered / invited : null);

/** The rates of one quarter over the officers active in it (or invited or rated in it). Roles: the caller's verb checks them. */
export async function responseRates(ctx: Pick<Ctx, 'db'>, period: string): Promise<ResponseRates> {
  const p = parsePeriod(period)!;
  const next = periodSpan(period).until;
  const rows = await ctx.db.all<Row>(sql`
    with inv as (
      select i.officer_code, count(*) as invited, count(r.id) as answered
        from invitations i left join feedback_responses r on r.invitation_id = i.id
       where i.created_at >= ${p.start} and i.created_at < ${next}
       group by i.officer_code),
    resp as (
      select officer_code, count(*) as n from feedback_responses
       where period = ${period} and status = 'accepted' group by officer_code)
    select o.code, o.unit_code, u.name as unit_name,
           coalesce(inv.invited, 0) as invited, coalesce(inv.answered, 0) as answered, coalesce(resp.n, 0) as responses
      from officers o join units u on u.code = o.unit_code
      left join inv on inv.officer_code = o.code
      left join resp on resp.officer_code = o.code
     where (o.hire_date <= ${p.end} and (o.leave_date is null or o.leave_date >= ${p.start}))
        or inv.invited > 0 or resp.n > 0
     order by o.unit_code, o.code`);
  const officers = rows.map((r) => {
    const invited = Number(r.invited);
    const answered = Number(r.answered);
    return { officerCode: r.code, unitCode: r.unit_code, invited, answered, responseRate: rateOf(answered, invited), responses: Number(r.responses) };
  });
  const units = new Map<string, ResponseRates['units'][number]>();
  for (const [i, o] of officers.entries()) {
    const u = units.get(o.unitCode) ?? { unitCode: o.unitCode, unitName: rows[i]!.unit_name, invited: 0, answered: 0, responseRate: null, responses: 0 };
    u.invited += o.invited;
    u.answered += o.answered;
    u.responses += o.responses;
    u.responseRate = rateOf(u.answered, u.invited);
    units.set(o.unitCode, u);
  }
  const low = officers
    .filter((o) => o.responses < STABLE_MIN_RESPONSES)
    .sort((a, b) => a.responses - b.responses || a.officerCode.localeCompare(b.officerCode))
    .map(({ officerCode, unitCode, responses }) => ({ officerCode, unitCode, responses }));
  return { period, officers, units: [...units.values()], lowResponse: { minResponses: STABLE_MIN_RESPONSES, officers: low } };
}
