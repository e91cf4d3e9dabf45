/**
 * Small reads for the officer's own pages that no other domain offers. Every one of them is about
 * the caller's own officer record (the code comes from the actor, never from the request), and
 * grading reads only ever touch published runs, so none of them widens what anyone may see.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { auditEntries, gradingResults, gradingRuns, officers, units } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { forbidden } from '../core/errors.js';
import { resultItem } from '../grading/run-model.js';
import { panelsAwaitingVote } from '../decisions/case-file.js';
import { myFlagNotices } from '../flags/due-process.js';

/** Roles that act as an officer on the self-service pages (a supervisor only with an officer record). */
export const selfServiceRoles = ['officer', 'supervisor'] as const;

function ownCode(ctx: Ctx): string {
  requireRole(ctx.actor, ...selfServiceRoles);
  const code = ctx.actor.officerCode;
  if (!code) throw forbidden('This user is not linked to an officer record.').say('not_officer');
  return code;
}

export interface OwnRecord {
  code: string;
  name: string;
  unitCode: string;
  unitName: string | null;
  peerGroup: string | null;
  team: string;
  hireDate: string;
  positionStartDate: string;
  leaveDate: string | null;
  supervisorCode: string | null;
}

/** The caller's own officer record with its unit, or null when the linked code has no row. */
export async function ownOfficerRecord(ctx: Ctx): Promise<OwnRecord | null> {
  const code = ownCode(ctx);
  const [row] = await ctx.db
    .select({
      code: officers.code,
      name: officers.name,
      unitCode: officers.unitCode,
      unitName: units.name,
      peerGroup: units.peerGroup,
      team: officers.team,
      hireDate: officers.hireDate,
      positionStartDate: officers.positionStartDate,
      leaveDate: officers.leaveDate,
      supervisorCode: officers.supervisorCode,
    })
    .from(officers)
    .leftJoin(units, eq(units.code, officers.unitCode))
    .where(eq(officers.code, code));
  return row ?? null;
}

/**
 * Graded officers per published run (the "of" in "rank 3 of 40"), one aggregate over the given
 * runs. Unpublished runs are left out, so nothing about them reaches an officer.
 */
export async function gradedCounts(ctx: Ctx, runIds: string[]): Promise<Map<string, number>> {
  ownCode(ctx);
  const out = new Map<string, number>();
  if (runIds.length === 0) return out;
  const rows = await ctx.db
    .select({ runId: gradingResults.runId, n: sql<number>`count(*)` })
    .from(gradingResults)
    .innerJoin(gradingRuns, eq(gradingRuns.id, gradingResults.runId))
    .where(and(inArray(gradingResults.runId, runIds), eq(gradingResults.status, 'graded'), eq(gradingRuns.status, 'published')))
    .groupBy(gradingResults.runId);
  for (const r of rows) out.set(r.runId, Number(r.n));
  return out;
}

/**
 * The leaf hash of an audit entry, for a receipt. Leaf hashes are public (the inclusion-proof
 * API answers them for any index), so this reveals nothing the log does not already publish.
 */
export async function leafHashAt(ctx: Ctx, index: number): Promise<string | null> {
  const [row] = await ctx.db.select({ leafHash: auditEntries.leafHash }).from(auditEntries).where(eq(auditEntries.seq, index));
  return row?.leafHash ?? null;
}

/**
 * What waits for the caller as an officer (the top of /me): the panels they sit on and have not
 * voted on yet, and the flags they were told of and may still answer, each soonest due first.
 */
export async function waitingForOfficer({ ctx }: { ctx: Ctx }) {
  ownCode(ctx);
  const panels = await panelsAwaitingVote({ ctx });
  const flags = (await myFlagNotices({ ctx }))
    .filter((n) => n.mayAnswer)
    .map((n) => ({ id: n.id, rule: n.rule, answerDueAt: n.answerDueAt }))
    .sort((a, b) => (a.answerDueAt < b.answerDueAt ? -1 : 1));
  return { panels, flags, total: panels.length + flags.length };
}
