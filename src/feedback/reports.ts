/**
 * What people inside the bureau may see of the feedback. Anonymity towards the officer: an officer
 * sees only their own averages, and only from SUMMARY_MIN_RESPONSES accepted responses up; never
 * single responses, comments or who rated. HR and supervisors see responses with comments (never
 * the taxpayer); nobody sees, nor voids, the responses about themselves: a user of any role linked
 * to an officer record is that officer (core/context.ts, refuseOwnCase).
 */
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { feedbackResponses } from '../../db/schema.js';
import { actingOfficer, refuseOwnCase, requireRole, type Ctx } from '../core/context.js';
import { ApiError, badRequest, forbidden, notFound } from '../core/errors.js';
import { keyset, pageSchema } from '../core/pagination.js';
import { createSelectSchema, int, num } from '../core/rows.js';
import { commit } from '../audit/append.js';
import { SUMMARY_MIN_RESPONSES } from './policy.js';
import { freeText } from '../core/text.js';
import { cursorParam, limitParam, periodParam } from '../core/openapi.js';
import { responseRates, type ResponseRates } from './response-rates.js';

const periodField = periodParam;

export const summaryQuery = z.object({
  officerCode: z.string().min(1).optional().openapi({ description: 'One officer; without it (hr, supervisor) the response rates of every officer and unit.' }),
  period: periodField,
});

const averages = z.object({ professionalism: z.number(), attitude: z.number(), efficiency: z.number(), integrity: z.number(), overall: z.number() });

export const summaryOutput = z
  .object({
    officerCode: z.string(),
    period: z.string(),
    n: z.number().int(),
    averages: averages.nullable(),
    note: z.string().optional(),
    /** Invitations issued to this officer in the period, those answered, and the rate (null without invitations). */
    invited: z.number().int(),
    answered: z.number().int(),
    responseRate: z.number().nullable(),
  })
  .openapi('FeedbackSummary');

/**
 * Averages of the accepted responses about one officer in one period. The caller looking at
 * their own record gets averages only from SUMMARY_MIN_RESPONSES responses up.
 */
export async function feedbackSummary(a: { ctx: Ctx; input: { officerCode: string; period: string } }): Promise<z.infer<typeof summaryOutput>>;
export async function feedbackSummary(a: { ctx: Ctx; input: z.infer<typeof summaryQuery> }): Promise<z.infer<typeof summaryOutput> | ResponseRates>;
export async function feedbackSummary({ ctx, input }: { ctx: Ctx; input: z.infer<typeof summaryQuery> }): Promise<z.infer<typeof summaryOutput> | ResponseRates> {
  requireRole(ctx.actor, 'officer', 'supervisor', 'hr');
  if (!input.officerCode) {
    if (ctx.actor.role === 'officer') throw forbidden('An officer sees only their own feedback summary: give officerCode.').say('own_feedback_only');
    return responseRates(ctx, input.period);
  }
  return officerSummary(ctx, { officerCode: input.officerCode, period: input.period });
}

async function officerSummary(ctx: Ctx, input: { officerCode: string; period: string }) {
  requireRole(ctx.actor, 'officer', 'supervisor', 'hr');
  const own = ctx.actor.officerCode !== null && ctx.actor.officerCode === input.officerCode;
  if (ctx.actor.role === 'officer' && !own) throw forbidden('An officer sees only their own feedback summary.').say('own_feedback_only');
  const [row] = await ctx.db
    .select({
      n: sql<number>`count(*)`,
      professionalism: sql<number | null>`avg(${feedbackResponses.professionalism})`,
      attitude: sql<number | null>`avg(${feedbackResponses.attitude})`,
      efficiency: sql<number | null>`avg(${feedbackResponses.efficiency})`,
      integrity: sql<number | null>`avg(${feedbackResponses.integrity})`,
      overall: sql<number | null>`avg(${feedbackResponses.mean})`,
    })
    .from(feedbackResponses)
    .where(
      and(
        eq(feedbackResponses.period, input.period),
        eq(feedbackResponses.officerCode, input.officerCode),
        eq(feedbackResponses.status, 'accepted'),
      ),
    );
  const n = Number(row?.n ?? 0);
  const rates = (await responseRates(ctx, input.period)).officers.find((o) => o.officerCode === input.officerCode);
  const base = { officerCode: input.officerCode, period: input.period, n, invited: rates?.invited ?? 0, answered: rates?.answered ?? 0, responseRate: rates?.responseRate ?? null };
  if (own && n < SUMMARY_MIN_RESPONSES) {
    return { ...base, averages: null, note: `Averages are shown from ${SUMMARY_MIN_RESPONSES} responses up, so that no single rating can be inferred.` };
  }
  if (n === 0) return { ...base, averages: null, note: 'No accepted responses in this period.' };
  return {
    ...base,
    averages: {
      professionalism: Number(row!.professionalism),
      attitude: Number(row!.attitude),
      efficiency: Number(row!.efficiency),
      integrity: Number(row!.integrity),
      overall: Number(row!.overall),
    },
  };
}

export const responsesQuery = z.object({
  officerCode: z.string().min(1).optional(),
  period: periodField.optional(),
  limit: limitParam.default(100),
  cursor: cursorParam.optional(),
});

/** A response row without what links it to the taxpayer (invitation, commitment nonce) or names who voided it. */
export const responseItem = createSelectSchema(feedbackResponses, {
  professionalism: int,
  attitude: int,
  efficiency: int,
  integrity: int,
  mean: num,
  auditIndex: int,
})
  .omit({ invitationId: true, voidedBy: true, commitmentNonce: true, textErasedAt: true, enteredBy: true })
  .openapi('FeedbackResponse');

export const responsesOutput = pageSchema(responseItem).openapi('FeedbackResponses');

const byId = keyset('asc', [feedbackResponses.id], (r: { id: string }) => [r.id]);

/**
 * Single responses with comments (HR, supervisors), by id, paginated. Never the taxpayer, and
 * never about the reader: asking for one's own is 403 `own_case`, and a listing of everyone leaves
 * one's own out.
 */
export async function listResponses({ ctx, input }: { ctx: Ctx; input: z.infer<typeof responsesQuery> }) {
  requireRole(ctx.actor, 'hr', 'supervisor');
  refuseOwnCase(ctx.actor, input.officerCode, 'reading the responses about yourself');
  const self = actingOfficer(ctx.actor);
  const rows = await ctx.db
    .select({
      id: feedbackResponses.id,
      officerCode: feedbackResponses.officerCode,
      period: feedbackResponses.period,
      submittedAt: feedbackResponses.submittedAt,
      professionalism: feedbackResponses.professionalism,
      attitude: feedbackResponses.attitude,
      efficiency: feedbackResponses.efficiency,
      integrity: feedbackResponses.integrity,
      mean: feedbackResponses.mean,
      comment: feedbackResponses.comment,
      complaint: feedbackResponses.complaint,
      status: feedbackResponses.status,
      channel: feedbackResponses.channel,
      voidReason: feedbackResponses.voidReason,
      voidedAt: feedbackResponses.voidedAt,
      auditIndex: feedbackResponses.auditIndex,
    })
    .from(feedbackResponses)
    .where(
      and(
        input.officerCode ? eq(feedbackResponses.officerCode, input.officerCode) : undefined,
        input.period ? eq(feedbackResponses.period, input.period) : undefined,
        self ? ne(feedbackResponses.officerCode, self) : undefined,
        byId.after(input.cursor),
      ),
    )
    .orderBy(asc(feedbackResponses.id))
    .limit(input.limit + 1);
  return byId.page(rows, input.limit);
}

export const voidInput = z.object({ reason: freeText(z.string().trim().min(3).max(1000)) }).openapi('VoidResponse');

/** A supervisor voids a response with a reason: kept, but excluded from grading. Audited. */
export async function voidResponse({ ctx, input }: { ctx: Ctx; input: { id: string; reason: string } }) {
  requireRole(ctx.actor, 'supervisor');
  const reason = input.reason.trim();
  if (!reason) throw badRequest('A reason is required.', [{ path: 'reason', message: 'required' }]);
  const [r] = await ctx.db
    .select({ id: feedbackResponses.id, officerCode: feedbackResponses.officerCode, status: feedbackResponses.status })
    .from(feedbackResponses)
    .where(eq(feedbackResponses.id, input.id));
  if (!r) throw notFound(`No response ${input.id}.`);
  refuseOwnCase(ctx.actor, r.officerCode, 'voiding a response about yourself');
  if (r.status === 'voided') throw new ApiError(409, 'already_voided', 'This response is already voided.');
  const at = ctx.clock.now().toISOString();
  const { results, auditIndices } = await commit(
    ctx,
    [
      ctx.db
        .update(feedbackResponses)
        .set({ status: 'voided', voidReason: reason, voidedBy: ctx.actor.userId, voidedAt: at })
        // Two supervisors voiding at once: only the first changes the row (the other's batch
        // still appends its entry, which records the attempt; the row says who won).
        .where(and(eq(feedbackResponses.id, input.id), eq(feedbackResponses.status, 'accepted'))),
    ],
    [{ action: 'feedback.void', entity: 'feedback_response', entityId: input.id, payload: { officerCode: r.officerCode, reason } }],
  );
  void results;
  return { id: input.id, status: 'voided' as const, voidReason: reason, voidedAt: at, auditIndex: auditIndices[0]! };
}
