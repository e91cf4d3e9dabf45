/**
 * Where a complaint stands, as the complainant is told: received, in review or closed, and the
 * outcome in plain words. A complaint naming an officer is worked through its `complaint` flag
 * (the supervisor drawn for it reviews it in the flag queue), so its state follows the flag
 * unless a supervisor set the complaint's own state; a complaint without an officer has only its
 * own. Escalating a flag reopens it for a drawn higher reviewer (a row in `flag_escalations`), so
 * `escalated` is that row's existence, not a closed outcome. Written once, in SQL, so the tracking page and the lists agree; over `complaints`
 * left-joined to its flag as `f` (`complaintsWithFlag`).
 *
 * | the complaint's own status | its flag                        | status    | outcome     |
 * |----------------------------|---------------------------------|-----------|-------------|
 * | closed (with an outcome)   | anything                        | closed    | its own     |
 * | received / in_review       | closed, confirmed               | closed    | upheld      |
 * | received / in_review       | closed, false_positive          | closed    | not_upheld  |
 * | received / in_review       | escalated (open again)          | in_review | (referred)  |
 * | in_review                  | open, in review or none         | in_review |             |
 * | received                   | in review                       | in_review |             |
 * | received                   | open or none                    | received  |             |
 */
import { sql } from 'drizzle-orm';
import { periodSpan } from '../core/period.js';

/** The complaint's flag was escalated (and is not yet closed by the higher reviewer). */
const ESCALATED = `(f.status <> 'closed' and exists (select 1 from flag_escalations e where e.flag_id = f.id))`;

export const effectiveStatus = sql.raw(`(case
  when complaints.status = 'closed' then 'closed'
  when f.status = 'closed' and f.outcome in ('confirmed', 'false_positive') then 'closed'
  when complaints.status = 'in_review' or f.status = 'in_review' or ${ESCALATED} then 'in_review'
  else 'received' end)`);

export const effectiveOutcome = sql.raw(`(case
  when complaints.status = 'closed' then complaints.outcome
  when f.status = 'closed' and f.outcome = 'confirmed' then 'upheld'
  when f.status = 'closed' and f.outcome = 'false_positive' then 'not_upheld'
  else null end)`);

/** True while the complaint's flag was escalated to a higher reviewer and the complaint is not closed. */
export const referred = sql.raw(`(complaints.status <> 'closed' and f.status <> 'closed' and ${ESCALATED})`);

/** When the complainant's view last changed: the later of the complaint's and its flag's update. */
export const lastChange = sql.raw(`max(coalesce(complaints.updated_at, complaints.created_at), coalesce(f.updated_at, ''))`);

/** `complaints left join flags f on f.id = complaints.flag_id` */
export const complaintsWithFlag = sql.raw(`complaints left join flags f on f.id = complaints.flag_id`);

/** The received-at range of a quarter: `[first day, first day of the next quarter)`, as ISO text. */
export function receivedIn(period: string) {
  const { from, until } = periodSpan(period);
  return sql`complaints.received_at >= ${from} and complaints.received_at < ${until}`;
}
