/**
 * Small named reads the HR console's pages need beside the verbs (which periods exist, what a
 * decision is about). Pages hold no SQL: they call these or the verbs.
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import { adjustments, annualAppeals, appeals, auditEntries, periods } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';

/** The codes of the latest `limit` periods on record, newest first (the start form's suggestions). */
export async function knownPeriods(ctx: Ctx, limit: number): Promise<string[]> {
  const rows = await ctx.db.select({ code: periods.code }).from(periods).orderBy(desc(periods.code)).limit(limit);
  return rows.map((p) => p.code);
}

/** The run an adjustment belongs to (to show that run again when deciding it is refused), or null. */
export async function adjustmentRunId(ctx: Ctx, id: string): Promise<string | null> {
  const [row] = await ctx.db.select({ runId: adjustments.runId }).from(adjustments).where(eq(adjustments.id, id));
  return row?.runId ?? null;
}

/** The run and officer an appeal is about (to show that officer's page again), or null. */
export async function appealSubject(ctx: Ctx, id: string): Promise<{ runId: string; officerCode: string } | null> {
  const [row] = await ctx.db.select({ runId: appeals.runId, officerCode: appeals.officerCode }).from(appeals).where(eq(appeals.id, id));
  return row ?? null;
}

/** One entry of a run's history: its audit entries (compute, publish, corrections, discard), oldest first. */
export interface HistoryEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  payload: Record<string, unknown>;
}

/** The audit entries recorded on a run (entity `grading_run`), oldest first. */
export async function runHistory(ctx: Ctx, runId: string): Promise<HistoryEntry[]> {
  const rows = await ctx.db
    .select({ seq: auditEntries.seq, at: auditEntries.at, actor: auditEntries.actor, action: auditEntries.action, leaf: auditEntries.leaf })
    .from(auditEntries)
    .where(and(eq(auditEntries.entity, 'grading_run'), eq(auditEntries.entityId, runId)))
    .orderBy(asc(auditEntries.seq));
  return rows.map((r) => ({ seq: r.seq, at: r.at, actor: r.actor, action: r.action, payload: (JSON.parse(r.leaf) as { payload: Record<string, unknown> }).payload ?? {} }));
}

/** The review and officer an annual appeal is about (to show that officer's page again), or null. */
export async function annualAppealSubject(ctx: Ctx, id: string): Promise<{ reviewId: string; officerCode: string } | null> {
  const [row] = await ctx.db.select({ reviewId: annualAppeals.reviewId, officerCode: annualAppeals.officerCode }).from(annualAppeals).where(eq(annualAppeals.id, id));
  return row ?? null;
}
