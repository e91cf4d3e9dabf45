/**
 * The one appeal mechanism (ADR 0092). DESIGN 3b: an annual result is "appealed ... like a
 * quarterly run", so the appeal against a run's result (appeal.ts) and against an annual review's
 * result (annual-appeal.ts) share their rules here, once: who files, the 15-day window, one appeal
 * per result guarded inside the batch, who decides (not the officer, not who graded it), the
 * correction an upheld appeal must name and a dismissed one must not, the race between two
 * deciders, and the listing. What differs stays with each verb: the table and parent (run or
 * review), the result looked up, and what an upheld appeal records (a corrected tier with its
 * payroll correction, or a corrected grade).
 */
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { annualAppeals, appeals } from '../../db/schema.js';
import { refuseOwnCase, requireRole, type Ctx } from '../core/context.js';
import { badRequest, conflict, forbidden, notFound, type ApiError } from '../core/errors.js';
import { isoDate } from '../core/clock.js';
import { keyset } from '../core/pagination.js';
import { commitGuarded, guarded } from '../audit/guarded.js';
import type { AuditEvent, Write } from '../audit/append.js';
import { freeText } from '../core/text.js';

/** Days after publication on which an appeal may still be filed (publication day is day 0). */
export const APPEAL_WINDOW_DAYS = 15;

/** Whole UTC calendar days from `fromIso` to `toIso`. */
export function daysBetween(fromIso: string, toIso: string): number {
  const a = Date.parse(`${fromIso.slice(0, 10)}T00:00:00Z`);
  const b = Date.parse(`${toIso.slice(0, 10)}T00:00:00Z`);
  return Math.round((b - a) / 86_400_000);
}

/** The officer's reason for an appeal and the decider's reason for its outcome: one limit. */
const appealReason = () => freeText(z.string().trim().min(1).max(4000));
export type AppealStatus = 'pending' | 'upheld' | 'dismissed';

/** The body that files an appeal, named for the API document (FileAppeal, FileAnnualAppeal). */
export const filingInput = (name: string) => z.object({ reason: appealReason() }).openapi(name);

/** The body that decides an appeal: the outcome, its reason, and `correction` (required when upheld, checked by {@link correctionOf}). */
export const decisionInput = <C extends z.ZodRawShape>(name: string, correction: C) => z.object({ outcome: z.enum(['upheld', 'dismissed']), reason: appealReason(), ...correction }).openapi(name);

/** What a new appeal holds whatever it is against: filed now by the actor, pending, undecided. */
export function newAppeal(ctx: Ctx, id: string, now: Date, officerCode: string, reason: string) {
  requireRole(ctx.actor, 'officer');
  return { id, officerCode, reason, filedBy: ctx.actor.userId, filedAt: now.toISOString(), status: 'pending' as const, decidedBy: null, decidedAt: null, decisionReason: null };
}

/** The API's view of an appeal: `keys`, in that order (the columns kept inside, such as filed_by, stay inside). */
export function viewOf<T, K extends keyof T>(row: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, row[k]])) as Pick<T, K>;
}

/** Where the appeals against one kind of result are kept: the table and its column naming what is appealed. */
export type AppealStore = { table: typeof appeals; parent: typeof appeals.runId } | { table: typeof annualAppeals; parent: typeof annualAppeals.reviewId };
export const runAppealStore: AppealStore = { table: appeals, parent: appeals.runId };
export const annualAppealStore: AppealStore = { table: annualAppeals, parent: annualAppeals.reviewId };
// Both tables share the columns read here; one type for them keeps drizzle's overloads to one.
const tableOf = (store: AppealStore) => store.table as typeof appeals;

/** A run or annual review: what an appeal is against, as far as the rules need it. */
export interface Appealed {
  id: string;
  status: string;
  publishedAt: string | null;
  createdBy: string;
  publishedBy: string | null;
}

/**
 * The filing officer's code and the time, once they may file against what `load` finds: they act
 * as an officer, it is published (else it does not exist for them: `missing`), the window is open,
 * they have a result in it (`result`) and no appeal against it yet.
 */
export async function openFiling<P extends Appealed, R>(
  ctx: Ctx,
  store: AppealStore,
  what: { load: () => Promise<P>; missing: string; result: (parent: P, code: string) => Promise<R | undefined>; noResult: (parent: P, code: string) => string },
): Promise<{ code: string; now: Date; parent: P; result: R }> {
  requireRole(ctx.actor, 'officer'); // the verb checked it before parsing; this narrows the actor here
  const code = ctx.actor.officerCode;
  if (!code) throw forbidden('This user does not act as an officer.').say('not_officer');
  const parent = await what.load();
  if (parent.status !== 'published') throw notFound(what.missing);
  const now = ctx.clock.now();
  if (daysBetween(parent.publishedAt!, now.toISOString()) > APPEAL_WINDOW_DAYS) {
    throw conflict(`The appeal window closed ${APPEAL_WINDOW_DAYS} days after publication (${isoDate(new Date(parent.publishedAt!))}).`, 'appeal_window_closed').say('appeal_window_closed', { days: APPEAL_WINDOW_DAYS });
  }
  const result = await what.result(parent, code);
  if (!result) throw notFound(what.noResult(parent, code));
  const t = tableOf(store);
  const [existing] = await ctx.db.select({ id: t.id }).from(t).where(and(eq(store.parent, parent.id), eq(t.officerCode, code)));
  if (existing) throw conflict(`Appeal ${existing.id} against this result exists; one appeal per result.`, 'appeal_exists');
  return { code, now, parent, result };
}

/** Writes a new appeal, guarded inside the batch on "still none against this result" (two tabs filing at once). */
export async function commitFiling(ctx: Ctx, store: AppealStore, row: { id: string; officerCode: string } & Record<string, unknown>, parentId: string, event: AuditEvent) {
  const t = tableOf(store);
  const first = sql`not exists (select 1 from ${t} where ${store.parent} = ${parentId} and ${t.officerCode} = ${row.officerCode})`;
  await commitGuarded(
    ctx,
    [ctx.db.insert(t).values({ ...row, status: guarded('pending', first) } as never)],
    [event],
    'appeal_exists',
    'An appeal against this result was filed meanwhile; one appeal per result.',
  );
}

/** The pending appeal `id`, once the actor (HR, not the officer: `ownCase` says what) may decide it. */
export async function openDeciding<A extends { id: string; status: AppealStatus; officerCode: string }>(ctx: Ctx, store: AppealStore, id: string, missing: string, ownCase: string): Promise<A> {
  const t = tableOf(store);
  const [appeal] = (await ctx.db.select().from(t).where(eq(t.id, id))) as unknown as A[];
  if (!appeal) throw notFound(missing);
  refuseOwnCase(ctx.actor, appeal.officerCode, ownCase);
  if (appeal.status !== 'pending') throw conflict(`Appeal ${appeal.id} was already ${appeal.status}.`, 'appeal_decided');
  return appeal;
}

/** Whoever graded what is appealed (started or computed it, or published it) does not decide its appeals. */
export function refuseGrader(ctx: Ctx, parent: Appealed, refusal: () => ApiError): void {
  requireRole(ctx.actor, 'hr');
  const me = ctx.actor.userId;
  if (parent.createdBy === me || parent.publishedBy === me) throw refusal();
}

/** The correction an upheld appeal names (`path`: correctedTier or correctedGrade); a dismissed one names none. */
export function correctionOf<T>(outcome: 'upheld' | 'dismissed', corrected: T | undefined, path: string, word: 'tier' | 'grade'): T | null {
  if (outcome === 'upheld') {
    if (corrected === undefined) throw badRequest(`An upheld appeal names the corrected ${word}.`, [{ path, message: 'required when upheld' }]);
    return corrected;
  }
  if (corrected !== undefined) throw badRequest(`A dismissed appeal keeps the published ${word}.`, [{ path, message: 'only when upheld' }]);
  return null;
}

/**
 * The decision's fields and its write, guarded on "still pending" as the first write of the batch:
 * a second decider racing this one fails whole. `commit` sends it with the rest of the batch.
 */
export function decisionWrite<F extends Record<string, unknown>>(ctx: Ctx, store: AppealStore, appealId: string, outcome: 'upheld' | 'dismissed', fields: F) {
  const t = tableOf(store);
  const stillPending = sql`(select status from ${t} where ${t.id} = ${appealId}) = 'pending'`;
  const write: Write = ctx.db.update(t).set({ ...fields, status: guarded(outcome, stillPending) } as never).where(eq(t.id, appealId));
  return {
    write,
    commit: (writes: Write[], events: AuditEvent[]) => commitGuarded(ctx, [write, ...writes], events, 'appeal_decided', `Appeal ${appealId} was decided meanwhile.`),
  };
}

/** The audit verb of a decision: uphold or dismiss. */
export const decisionVerb = (outcome: 'upheld' | 'dismissed') => (outcome === 'upheld' ? 'uphold' : 'dismiss');

const oldestFirst = (store: AppealStore) => keyset('asc', [store.table.id], (a: { id: string }) => [a.id]);

/** Appeals (HR: all; an officer: their own), oldest first, paginated by id; `parentId` narrows to one run or review. */
export async function listAppealRows<Row>(ctx: Ctx, store: AppealStore, input: { status?: AppealStatus; parentId?: string; limit?: number; cursor?: string }): Promise<{ items: Row[]; nextCursor: string | null }> {
  requireRole(ctx.actor, 'hr', 'officer');
  const t = tableOf(store);
  const limit = input.limit ?? 100;
  const conds: SQL[] = [];
  if (input.status) conds.push(eq(t.status, input.status));
  if (input.parentId) conds.push(eq(store.parent, input.parentId));
  if (ctx.actor.role === 'officer') conds.push(ctx.actor.officerCode ? eq(t.officerCode, ctx.actor.officerCode) : sql`0`);
  const pages = oldestFirst(store);
  const after = pages.after(input.cursor);
  if (after) conds.push(after);
  const rows = await ctx.db.select().from(t).where(conds.length ? and(...conds) : undefined).orderBy(asc(t.id)).limit(limit + 1);
  const { items, nextCursor } = pages.page(rows, limit);
  return { items: items as unknown as Row[], nextCursor };
}
