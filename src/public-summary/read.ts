/**
 * Reading the public summary (no token): the latest version of a quarter, with its audit leaf and
 * the check that the leaf commits exactly these figures. The leaf's bytes are shown too (they
 * hold a digest and nothing personal), so a reader can hash them, compare with the leaf hash,
 * and prove that leaf is in the signed log with /verify.
 */
import { desc, eq } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { auditEntries, publicSummaries } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';
import { parseInput } from '../core/validate.js';
import { notFound } from '../core/errors.js';
import { figuresDigest, periodParam } from './publish.js';

export const publicSummarySchema = z
  .object({
    period: z.string(),
    version: z.number().int(),
    publishedAt: z.string(),
    figures: z.record(z.string(), z.unknown()),
    /** SHA-256 of the figures' canonical JSON. */
    digest: z.string(),
    /** Leaf index of the audit entry that commits the digest. */
    auditIndex: z.number().int(),
    leafHash: z.string(),
    /** The leaf's exact bytes (canonical JSON). */
    leaf: z.string(),
    /** The digest in the leaf equals the digest of the figures above. */
    matches: z.boolean(),
  })
  .openapi('PublicSummary');

export async function getPublicSummary({ ctx, period }: { ctx: Ctx; period: string }): Promise<z.infer<typeof publicSummarySchema>> {
  parseInput(z.object({ period: periodParam }), { period });
  const [row] = await ctx.db.select().from(publicSummaries).where(eq(publicSummaries.period, period)).orderBy(desc(publicSummaries.version)).limit(1);
  if (!row) throw notFound(`No public summary of ${period} has been published.`);
  const [entry] = await ctx.db.select({ leaf: auditEntries.leaf, leafHash: auditEntries.leafHash }).from(auditEntries).where(eq(auditEntries.seq, row.auditIndex));
  let committed: unknown = null;
  try {
    const leaf = JSON.parse(entry?.leaf ?? 'null') as { action?: string; payload?: { period?: string; version?: number; digest?: string } } | null;
    if (leaf?.action === 'public.summary' && leaf.payload?.period === period && leaf.payload.version === row.version) committed = leaf.payload.digest;
  } catch {
    committed = null;
  }
  const figures = row.figures as Record<string, unknown>;
  const digest = figuresDigest(figures);
  return {
    period,
    version: row.version,
    publishedAt: row.publishedAt,
    figures,
    digest,
    auditIndex: row.auditIndex,
    leafHash: entry?.leafHash ?? '',
    leaf: entry?.leaf ?? '',
    matches: committed === digest && digest === row.digest,
  };
}

/** The quarters with a published summary, newest first. */
export async function publishedPeriods(ctx: Ctx): Promise<{ period: string; version: number; publishedAt: string }[]> {
  const rows = await ctx.db.select({ period: publicSummaries.period, version: publicSummaries.version, publishedAt: publicSummaries.publishedAt }).from(publicSummaries).orderBy(desc(publicSummaries.period), desc(publicSummaries.version));
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.period) ? false : (seen.add(r.period), true)));
}
