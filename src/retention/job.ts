/**
 * The retention job (DESIGN 5), run by src/scheduled.ts on the Node timer and the Worker's cron:
 * 1. cuts the invitation-to-taxpayer link of every invitation whose quarter is published and
 *    past its appeal window (the leaf's commitment stays; its nonce goes);
 * 2. erases complaint and comment text older than 3 years.
 * Each batch is one commit with the audit entry that records it (`retention.cut_links`,
 * `retention.erase_text`), so the erasure is itself audited; nothing a grade depends on changes.
 */
import { eq, sql } from 'drizzle-orm';
import { gradingRuns } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';
import { newId } from '../core/ids.js';
import { sha256HexSync } from '../core/sha256.js';
import { commit } from '../audit/append.js';
import { daysBetween } from '../grading/appeal.js';
import { cutLinks, eraseText } from './erasures.js';
import { RETENTION_BATCH, RETENTION_MAX_BATCHES, retentionPolicy } from './policy.js';
import { jsonParam } from '../../db/json-param.js';

export interface RetentionReport {
  /** Quarters whose invitations may now be unlinked. */
  closedQuarters: string[];
  linksCut: number;
  responsesErased: number;
  complaintsErased: number;
}

/** The quarter (`YYYYQn`) of an ISO time column, in SQL (SQLite and D1). */
const quarterOf = (column: string) => sql.raw(`strftime('%Y', ${column}) || 'Q' || ((cast(strftime('%m', ${column}) as integer) + 2) / 3)`);

/** Quarters with a published run whose appeal window has closed, oldest first. */
export async function closedQuarters(ctx: Pick<Ctx, 'db' | 'clock'>): Promise<string[]> {
  const now = ctx.clock.now().toISOString();
  const rows = await ctx.db.select({ period: gradingRuns.period, publishedAt: gradingRuns.publishedAt }).from(gradingRuns).where(eq(gradingRuns.status, 'published'));
  return [...new Set(rows.filter((r) => r.publishedAt && daysBetween(r.publishedAt, now) > retentionPolicy.linkKeptDaysAfterPublication).map((r) => r.period))].sort();
}

/** The same time, `years` years earlier (29 February becomes 1 March in a common year, as Date does). */
export function yearsBefore(iso: string, years: number): string {
  const d = new Date(iso);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString();
}

export async function runRetention({ ctx }: { ctx: Ctx }): Promise<RetentionReport> {
  const at = ctx.clock.now().toISOString();
  const report: RetentionReport = { closedQuarters: await closedQuarters(ctx), linksCut: 0, responsesErased: 0, complaintsErased: 0 };

  // 1. Invitation links: used or expired invitations of a closed quarter (the quarter of the
  //    response; of the issue for an invitation never answered).
  if (report.closedQuarters.length) {
    const closed = jsonParam(report.closedQuarters);
    for (let batch = 0; batch < RETENTION_MAX_BATCHES; batch++) {
      const rows = await ctx.db.all<{ id: string; period: string }>(sql`
        select i.id as id, coalesce(r.period, ${quarterOf('i.created_at')}) as period
          from invitations i left join feedback_responses r on r.invitation_id = i.id
         where i.taxpayer_code is not null and (i.used_at is not null or i.expires_at <= ${at})
           and coalesce(r.period, ${quarterOf('i.created_at')}) in (select value from json_each(${closed}))
         order by i.id limit ${RETENTION_BATCH}`);
      if (!rows.length) break;
      const ids = rows.map((r) => r.id);
      await commit(ctx, cutLinks(ctx.db, ids, at), [
        {
          action: 'retention.cut_links',
          entity: 'retention',
          entityId: newId('ret', ctx.clock.now()),
          payload: { quarters: [...new Set(rows.map((r) => r.period))].sort(), invitations: ids.length, idsSha256: sha256HexSync(ids.join('\n')) },
        },
      ]);
      report.linksCut += ids.length;
      if (rows.length < RETENTION_BATCH) break;
    }
  }

  // 2. Free text older than the retention period: complaints (and their responses' copy), comments.
  const before = yearsBefore(at, retentionPolicy.freeTextYears);
  for (let batch = 0; batch < RETENTION_MAX_BATCHES; batch++) {
    const complaintIds = (await ctx.db.all<{ id: string }>(sql`select id from complaints where text_erased_at is null and created_at < ${before} order by created_at, id limit ${RETENTION_BATCH}`)).map((r) => r.id);
    const responseIds = (
      await ctx.db.all<{ id: string }>(sql`select id from feedback_responses
        where text_erased_at is null and (comment is not null or complaint is not null) and submitted_at < ${before}
        order by submitted_at, id limit ${RETENTION_BATCH}`)
    ).map((r) => r.id);
    if (!complaintIds.length && !responseIds.length) break;
    await commit(ctx, eraseText(ctx.db, { responseIds, complaintIds }, at), [
      {
        action: 'retention.erase_text',
        entity: 'retention',
        entityId: newId('ret', ctx.clock.now()),
        payload: { writtenBefore: before, complaints: complaintIds.length, responses: responseIds.length, idsSha256: sha256HexSync([...complaintIds, ...responseIds].join('\n')) },
      },
    ]);
    report.complaintsErased += complaintIds.length;
    report.responsesErased += responseIds.length;
    if (complaintIds.length < RETENTION_BATCH && responseIds.length < RETENTION_BATCH) break;
  }
  return report;
}

/** The job's actor: named in the audit log as `system:retention`. */
export function retentionCtx(deps: Pick<Ctx, 'db' | 'clock' | 'signer' | 'config'>): Ctx {
  return { db: deps.db, clock: deps.clock, signer: deps.signer, config: deps.config, actor: { kind: 'system', name: 'retention' } };
}
