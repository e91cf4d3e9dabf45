/**
 * Publishing a quarter's public summary: its figures are computed, stored with the SHA-256 of
 * their canonical JSON, and that digest is committed in an audit leaf (`public.summary`), so
 * anyone can check the published numbers against the signed log. A later publication of the same
 * quarter (once more flags are worked) is a new version; the page shows the latest.
 */
import { desc, eq, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { auditEntries, publicSummaries } from '../../db/schema.js';
import { canonicalJson } from '../audit/canonical.js';
import { commitGuarded } from '../audit/guarded.js';
import { requireRole, type Ctx } from '../core/context.js';
import { parseInput } from '../core/validate.js';
import { ApiError } from '../core/errors.js';
import { parsePeriod, periodOf, shiftPeriod } from '../core/period.js';
import { periodParam } from '../core/openapi.js';
import { sha256HexSync } from '../core/sha256.js';
import { computeFigures, publicPolicy, type PublicFigures } from './figures.js';

export { periodParam };

/** SHA-256 of the figures' canonical JSON (RFC 8785 subset, src/audit/canonical.ts), hex. */
export function figuresDigest(figures: PublicFigures | Record<string, unknown>): string {
  return sha256HexSync(canonicalJson(figures));
}

/** Publishes (a new version of) the summary of a quarter that has ended. HR, or the scheduler. */
export async function publishPublicSummary({ ctx, period }: { ctx: Ctx; period: string }) {
  if (!(ctx.actor.kind === 'system' && ctx.actor.name !== 'anonymous')) requireRole(ctx.actor, 'hr');
  const p = parsePeriod(parseInput(z.object({ period: periodParam }), { period }).period)!;
  const now = ctx.clock.now().toISOString();
  if (p.end >= now.slice(0, 10)) throw new ApiError(422, 'period_not_ended', `${period} has not ended yet (it runs to ${p.end}).`);
  const [last] = await ctx.db.select({ version: publicSummaries.version }).from(publicSummaries).where(eq(publicSummaries.period, period)).orderBy(desc(publicSummaries.version)).limit(1);
  const version = (last?.version ?? 0) + 1;
  const figures = await computeFigures(ctx.db, period);
  const digest = figuresDigest(figures);
  const publishedBy = ctx.actor.kind === 'user' ? ctx.actor.userId : `system:${ctx.actor.kind === 'system' ? ctx.actor.name : ''}`;
  const { auditIndices, leafHashes } = await commitGuarded(
    ctx,
    [
      // The leaf is the batch's only event, so its index is the log size before the batch.
      ctx.db.insert(publicSummaries).values({ period, version, figures, digest, publishedBy, publishedAt: now, auditIndex: sql`(select coalesce(max(${auditEntries.seq}), -1) + 1 from ${auditEntries})` }),
    ],
    [{ action: 'public.summary', entity: 'public_summary', entityId: `${period}/${version}`, payload: { period, version, policy: publicPolicy.version, digest } }],
    'summary_published',
    `Version ${version} of ${period} was published meanwhile.`,
  );
  return { period, version, digest, auditIndex: auditIndices[0]!, leafHash: leafHashes[0]! };
}

/** The scheduled job: the quarter before the current one is published once, `publishAfterDays` after it ended. */
export async function scheduledPublicSummary({ ctx }: { ctx: Ctx }): Promise<{ period: string; published: boolean }> {
  const now = ctx.clock.now();
  const period = shiftPeriod(periodOf(now.toISOString()), -1);
  const due = new Date(Date.parse(`${parsePeriod(period)!.end}T00:00:00Z`) + (publicPolicy.publishAfterDays + 1) * 86_400_000);
  if (now < due) return { period, published: false };
  const [any] = await ctx.db.select({ version: publicSummaries.version }).from(publicSummaries).where(eq(publicSummaries.period, period)).limit(1);
  if (any) return { period, published: false };
  // Only a quarter the service ran in: its audit log has entries from then.
  const p = parsePeriod(period)!;
  const [ran] = await ctx.db.all<{ n: number }>(sql`select count(*) as n from (select 1 from audit_entries where substr(at, 1, 10) between ${p.start} and ${p.end} limit 1)`);
  if (!Number(ran?.n ?? 0)) return { period, published: false };
  await publishPublicSummary({ ctx, period });
  return { period, published: true };
}
