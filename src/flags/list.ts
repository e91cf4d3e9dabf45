/** Reading flags: the queue (supervisor, hr) and one flag with its transitions. */
import { and, asc, desc, eq, lt, ne, sql, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { flags, flagTransitions, officers, users } from '../../db/schema.js';
import { actingOfficer, refuseOwnCase, requireRole, type Ctx } from '../core/context.js';
import { notFound } from '../core/errors.js';
import { keyset } from '../core/pagination.js';
import { createSelectSchema } from '../core/rows.js';
import { defaultOversightPolicy } from './policy.js';
import { flagStatuses } from './workflow.js';
import { cursorParam, limitParam } from '../core/openapi.js';
import { hearingOf } from './due-process.js';
import { escalationsOf } from './escalation.js';

export const listFlagsQuery = z.object({
  status: z.enum(flagStatuses).optional(),
  rule: z.string().min(1).optional(),
  officerCode: z.string().min(1).optional(),
  /** The subject officer's unit. */
  unit: z.string().min(1).optional(),
  /** Only flags raised at least this many days ago. */
  minAgeDays: z.coerce.number().int().min(0).max(36500).optional(),
  /** Only unclosed flags older than the overdue limit (14 days). */
  overdue: z.enum(['true', 'false']).optional(),
  limit: limitParam.optional(),
  cursor: cursorParam.optional(),
});
export type ListFlagsQuery = z.infer<typeof listFlagsQuery>;

/** A flag row without its draw (nor the salt of its leaf's commitment), with the subject's unit, the reviewer's name and whether it is overdue. */
export const flagSchema = createSelectSchema(flags, { evidence: z.record(z.string(), z.unknown()) })
  .omit({ draw: true, evidenceNonce: true })
  .extend({ unitCode: z.string().nullable(), reviewerUsername: z.string().nullable(), overdue: z.boolean() })
  .openapi('Flag');
export type FlagView = z.infer<typeof flagSchema>;

export const transitionSchema = createSelectSchema(flagTransitions).omit({ flagId: true }).openapi('FlagTransitionRecord');

/** What every list of flags shows of one (the API's list, the supervisors' queue), joined to the subject (officers) and the reviewer (users). */
export const flagRowColumns = {
  id: flags.id,
  rule: flags.rule,
  subjectCode: flags.subjectCode,
  unitCode: officers.unitCode,
  severity: flags.severity,
  status: flags.status,
  outcome: flags.outcome,
  reviewerUserId: flags.reviewerUserId,
  reviewerUsername: users.username,
  raisedAt: flags.raisedAt,
  closedAt: flags.closedAt,
};

const columns = {
  ...flagRowColumns,
  conditionKey: flags.conditionKey,
  updatedAt: flags.updatedAt,
  evidence: flags.evidence,
  draw: flags.draw,
};

/** Newest first; the id breaks ties between flags raised at the same time. */
const newestFirst = keyset('desc', [flags.raisedAt, flags.id], (r: { raisedAt: string; id: string }) => [r.raisedAt, r.id]);

export const overdueSince = (ctx: Ctx) => new Date(ctx.clock.now().getTime() - defaultOversightPolicy.overdueDays * 86_400_000).toISOString();

function view(ctx: Ctx, r: { status: string; raisedAt: string; evidence: unknown }) {
  return { overdue: r.status !== 'closed' && r.raisedAt < overdueSince(ctx), evidence: (r.evidence ?? {}) as Record<string, unknown> };
}

/**
 * The queue's filters as conditions over flags joined with the subject's officer row, with the
 * rule about oneself: nobody reads the oversight of themselves (DESIGN 1), the review is
 * independent and complaint evidence could identify the taxpayer. Asking for one's own flags by
 * name is refused outright. The queue page's read (inbox.ts) applies the same conditions.
 */
export function queueConditions(ctx: Ctx, query: Omit<ListFlagsQuery, 'limit' | 'cursor'>): SQL[] {
  const where: SQL[] = [];
  refuseOwnCase(ctx.actor, query.officerCode, 'reading the flags about yourself');
  const self = actingOfficer(ctx.actor);
  if (self) where.push(ne(flags.subjectCode, self));
  if (query.status) where.push(eq(flags.status, query.status));
  if (query.rule) where.push(eq(flags.rule, query.rule));
  if (query.officerCode) where.push(eq(flags.subjectCode, query.officerCode));
  if (query.unit) where.push(eq(officers.unitCode, query.unit));
  if (query.minAgeDays !== undefined) {
    where.push(lt(flags.raisedAt, new Date(ctx.clock.now().getTime() - query.minAgeDays * 86_400_000 + 1).toISOString()));
  }
  if (query.overdue === 'true') where.push(sql`${flags.status} <> 'closed'`, lt(flags.raisedAt, overdueSince(ctx)));
  return where;
}

/** The queue, newest first, paginated by (raisedAt, id). */
export async function listFlags({ ctx, query }: { ctx: Ctx; query: ListFlagsQuery }) {
  requireRole(ctx.actor, 'supervisor', 'hr');
  const limit = query.limit ?? 100;
  const where = queueConditions(ctx, query);
  const after = newestFirst.after(query.cursor);
  if (after) where.push(after);
  const rows = await ctx.db
    .select(columns)
    .from(flags)
    .leftJoin(officers, eq(officers.code, flags.subjectCode))
    .leftJoin(users, eq(users.id, flags.reviewerUserId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(flags.raisedAt), desc(flags.id))
    .limit(limit + 1);
  const { items, nextCursor } = newestFirst.page(rows, limit);
  return { items: items.map(({ draw: _draw, ...r }) => ({ ...r, ...view(ctx, r) })), nextCursor };
}

/** One flag with its draw and its transitions, oldest first. */
export async function getFlag({ ctx, id }: { ctx: Ctx; id: string }) {
  requireRole(ctx.actor, 'supervisor', 'hr');
  const [row] = await ctx.db
    .select(columns)
    .from(flags)
    .leftJoin(officers, eq(officers.code, flags.subjectCode))
    .leftJoin(users, eq(users.id, flags.reviewerUserId))
    .where(eq(flags.id, id));
  if (!row) throw notFound(`No flag ${id}.`);
  refuseOwnCase(ctx.actor, row.subjectCode, 'reading a flag about yourself');
  const transitions = await ctx.db
    .select({ id: flagTransitions.id, from: flagTransitions.from, to: flagTransitions.to, outcome: flagTransitions.outcome, reason: flagTransitions.reason, actor: flagTransitions.actor, at: flagTransitions.at, earlyReason: flagTransitions.earlyReason })
    .from(flagTransitions)
    .where(eq(flagTransitions.flagId, id))
    .orderBy(asc(flagTransitions.at), sql`${flagTransitions}.rowid`);
  // The hearing (DESIGN 4, due process) and the escalations are part of the flag's record.
  const { notice, answer } = await hearingOf(ctx, id);
  const escalations = (await escalationsOf(ctx, id)).map(({ flagId: _f, draw, ...e }) => ({ ...e, draw: draw as Record<string, unknown> }));
  return {
    ...row,
    ...view(ctx, row),
    draw: (row.draw ?? null) as Record<string, unknown> | null,
    transitions,
    notice: notice ? { toldAt: notice.toldAt, answerDueAt: notice.answerDueAt } : null,
    answer,
    escalations,
  };
}
