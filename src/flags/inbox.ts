/**
 * The supervisor's inbox: the queue as the /flags page reads it (assigned to me or all, sorted by
 * severity, age or due date, searched by officer code or name, with the officer's name and the
 * dates a reviewer works to) and the count of unclosed flags drawn to the caller, which the
 * navigation shows. The filters are the API queue's own (queueConditions), so the page never
 * shows a flag that GET /api/v1/flags would hide (docs/adr/0081).
 */
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { flagAnswers, flagNotices, flags, officers, users } from '../../db/schema.js';
import { actingOfficer, requireRole, type Ctx } from '../core/context.js';
import { flagRowColumns, listFlagsQuery, overdueSince, queueConditions } from './list.js';
import { defaultOversightPolicy } from './policy.js';
import { csvDocument } from '../core/csv.js';

/** Rows a page shows; the CSV export takes every row up to EXPORT_LIMIT. */
export const QUEUE_PAGE_SIZE = 50;
export const EXPORT_LIMIT = 10_000;

export const queueSorts = ['due', 'severity', 'age', 'newest'] as const;
export type QueueSort = (typeof queueSorts)[number];

export const flagQueueInput = listFlagsQuery.omit({ limit: true, cursor: true }).extend({
  /** `mine`: flags drawn to the caller (unclosed unless a status is asked for); `all`: the whole queue. */
  view: z.enum(['mine', 'all']).optional(),
  sort: z.enum(queueSorts).optional(),
  /** Part of an officer's code or name, any case. */
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).max(1000).optional(),
});
export type FlagQueueInput = z.infer<typeof flagQueueInput>;

const DAY_MS = 86_400_000;

/** The subject has been told of the flag and may still answer: the answer window is the date that counts. */
const awaitingAnswer = (now: string) => sql<number>`(${flagNotices.answerDueAt} is not null and ${flagAnswers.flagId} is null and ${flagNotices.answerDueAt} > ${now} and ${flags.status} <> 'closed')`;
/** The review is due `overdueDays` after the flag was raised (the overdue rule of the queue). */
const reviewDue = sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', ${flags.raisedAt}, ${`+${defaultOversightPolicy.overdueDays} days`})`;
const severityRank = sql<number>`case ${flags.severity} when 'critical' then 4 when 'high' then 3 when 'medium' then 2 else 1 end`;

function dueAt(now: string): SQL<string | null> {
  return sql<string | null>`case when ${flags.status} = 'closed' then null when ${awaitingAnswer(now)} then ${flagNotices.answerDueAt} else ${reviewDue} end`;
}

function orderOf(sort: QueueSort, now: string): SQL[] {
  switch (sort) {
    case 'due':
      return [sql`${dueAt(now)} is null`, asc(dueAt(now)), asc(flags.raisedAt), asc(flags.id)];
    case 'severity':
      return [desc(severityRank), asc(flags.raisedAt), asc(flags.id)];
    case 'age':
      return [asc(flags.raisedAt), asc(flags.id)];
    case 'newest':
      return [desc(flags.raisedAt), desc(flags.id)];
  }
}

/** The conditions of the page's queue: the API's filters, then the view and the search. */
function conditions(ctx: Ctx & { actor: { kind: 'user'; userId: string } }, input: FlagQueueInput): SQL[] {
  const where = queueConditions(ctx, input);
  if (input.view === 'mine') {
    where.push(eq(flags.reviewerUserId, ctx.actor.userId));
    if (!input.status) where.push(sql`${flags.status} <> 'closed'`);
  }
  if (input.q) {
    const needle = input.q.toLowerCase();
    where.push(sql`(instr(lower(${flags.subjectCode}), ${needle}) > 0 or instr(lower(coalesce(${officers.name}, '')), ${needle}) > 0)`);
  }
  return where;
}

/**
 * One page of the queue (or, with `all: true`, every row up to EXPORT_LIMIT, for the CSV), with
 * the subject's name, the due date (the subject's answer window while it is open, else the
 * review's) and whether it is overdue. Supervisors and HR, like the API's queue.
 */
export async function flagQueue({ ctx, input, all = false }: { ctx: Ctx; input: FlagQueueInput; all?: boolean }) {
  requireRole(ctx.actor, 'supervisor', 'hr');
  const actx = ctx as Ctx & { actor: { kind: 'user'; userId: string } };
  const now = ctx.clock.now().toISOString();
  const where = conditions(actx, input);
  const limit = all ? EXPORT_LIMIT : QUEUE_PAGE_SIZE;
  const offset = all ? 0 : ((input.page ?? 1) - 1) * QUEUE_PAGE_SIZE;
  const rows = await ctx.db
    .select({
      ...flagRowColumns,
      subjectName: officers.name,
      answerDueAt: flagNotices.answerDueAt,
      answered: sql<number>`${flagAnswers.flagId} is not null`,
      awaitingAnswer: awaitingAnswer(now),
      dueAt: dueAt(now),
    })
    .from(flags)
    .leftJoin(officers, eq(officers.code, flags.subjectCode))
    .leftJoin(users, eq(users.id, flags.reviewerUserId))
    .leftJoin(flagNotices, eq(flagNotices.flagId, flags.id))
    .leftJoin(flagAnswers, eq(flagAnswers.flagId, flags.id))
    .where(where.length ? and(...where) : undefined)
    .orderBy(...orderOf(input.sort ?? 'newest', now))
    .limit(limit + 1)
    .offset(offset);
  const since = overdueSince(ctx);
  const nowMs = ctx.clock.now().getTime();
  const items = rows.slice(0, limit).map((r) => ({
    ...r,
    answered: Boolean(r.answered),
    awaitingAnswer: Boolean(r.awaitingAnswer),
    overdue: r.status !== 'closed' && r.raisedAt < since,
    ageDays: Math.floor((nowMs - Date.parse(r.raisedAt)) / DAY_MS),
    mine: r.reviewerUserId === actx.actor.userId,
  }));
  return { items, hasMore: rows.length > limit };
}
export type QueueItem = Awaited<ReturnType<typeof flagQueue>>['items'][number];

/**
 * How many unclosed flags are drawn to the caller for review (the count on the navigation's
 * flags link); never one about the caller themselves.
 */
export async function assignedFlagCount({ ctx }: { ctx: Ctx }): Promise<number> {
  requireRole(ctx.actor, 'supervisor', 'hr');
  const self = actingOfficer(ctx.actor);
  const [row] = await ctx.db
    .select({ n: sql<number>`count(*)` })
    .from(flags)
    .where(and(eq(flags.reviewerUserId, ctx.actor.userId), sql`${flags.status} <> 'closed'`, self ? sql`${flags.subjectCode} <> ${self}` : undefined));
  return Number(row?.n ?? 0);
}

/** Header cells of the queue's CSV: the Chinese label, a space, the column's English name (as the payroll export). */
export const queueCsvHeader = ['疑点 flag', '规则 rule', '工号 officer code', '姓名 name', '单位 unit', '严重程度 severity', '状态 status', '复核人 reviewer', '提出时间 raised', '天数 age days', '到期 due', '申辩截止 answer due', '逾期 overdue'];

/**
 * The queue under the given filters as CSV (core/csv.ts: BOM, CRLF, formula-safe cells), every
 * row up to EXPORT_LIMIT. `word` gives the label of a rule, severity or status code in the
 * reader's language (`rule.bunching`, `severity.high`, `status.open`, `yes`, `no`).
 */
export async function flagQueueCsv({ ctx, input, word }: { ctx: Ctx; input: FlagQueueInput; word: (key: string) => string }): Promise<{ filename: string; body: string }> {
  const { items } = await flagQueue({ ctx, input, all: true });
  const body = csvDocument(
    queueCsvHeader,
    items.map((f) => [
      f.id,
      word(`rule.${f.rule}`),
      f.subjectCode,
      f.subjectName,
      f.unitCode,
      word(`severity.${f.severity}`),
      word(`status.${f.status}`),
      f.reviewerUsername,
      f.raisedAt,
      f.ageDays,
      f.dueAt,
      f.awaitingAnswer ? f.answerDueAt : null,
      word(f.overdue ? 'yes' : 'no'),
    ]),
  );
  return { filename: `flags-${ctx.clock.now().toISOString().slice(0, 10)}.csv`, body };
}
