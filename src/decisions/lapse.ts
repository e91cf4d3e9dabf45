/**
 * Reviews that did not reach quorum in time lapse (DESIGN section 4): a scheduled job
 * (src/scheduled.ts, `review-lapse`) closes every pending review past its due time as `lapsed`,
 * one audit entry each. A lapsed review is a no-quorum case for the oversight rules.
 */
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import { decisionReviews, decisionVotes } from '../../db/schema.js';
import { commitGuarded } from '../audit/guarded.js';
import type { AuditEvent, Write } from '../audit/append.js';
import { requireRole, type Ctx } from '../core/context.js';
import { jsonParam } from '../../db/json-param.js';

/** Reviews closed per batch: one update and one audit entry each, well inside D1's limits. */
const BATCH = 50;

/** Lapses every pending review due by now. The scheduler's system actor, or a supervisor or HR user by hand. */
export async function lapseReviews({ ctx }: { ctx: Ctx }): Promise<{ lapsed: number }> {
  if (!(ctx.actor.kind === 'system' && ctx.actor.name !== 'anonymous')) requireRole(ctx.actor, 'supervisor', 'hr');
  const now = ctx.clock.now().toISOString();
  let lapsed = 0;
  for (;;) {
    const due = await ctx.db
      .select({ decisionId: decisionReviews.decisionId, panelSize: decisionReviews.panelSize, quorum: decisionReviews.quorum, dueAt: decisionReviews.dueAt })
      .from(decisionReviews)
      .where(and(eq(decisionReviews.status, 'pending_review'), lte(decisionReviews.dueAt, now)))
      .orderBy(asc(decisionReviews.dueAt), asc(decisionReviews.decisionId))
      .limit(BATCH);
    if (!due.length) break;
    const voted = await ctx.db.all<{ id: string; n: number }>(sql`
      select decision_id as id, count(*) as n from ${decisionVotes}
       where decision_id in (select value from json_each(${jsonParam(due.map((d) => d.decisionId))})) group by decision_id`);
    const votes = new Map(voted.map((v) => [v.id, Number(v.n)]));
    const writes: Write[] = due.map((d) =>
      ctx.db
        .update(decisionReviews)
        // Once due, no vote can land (castVote's guard), so only a second lapse run could have
        // closed it: then NULL into the NOT NULL status fails this batch instead of logging twice.
        .set({ status: sql`case when ${decisionReviews.status} = 'pending_review' then 'lapsed' end`, closedAt: now })
        .where(eq(decisionReviews.decisionId, d.decisionId)),
    );
    const events: AuditEvent[] = due.map((d) => ({
      action: 'decision.review.lapse',
      entity: 'decision',
      entityId: d.decisionId,
      payload: { decisionId: d.decisionId, dueAt: d.dueAt, panelSize: d.panelSize, quorum: d.quorum, votes: votes.get(d.decisionId) ?? 0 },
    }));
    await commitGuarded(ctx, writes, events, 'stale_review', 'Another run lapsed these reviews meanwhile.');
    lapsed += due.length;
  }
  return { lapsed };
}
