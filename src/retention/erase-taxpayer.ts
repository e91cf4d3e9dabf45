/**
 * A taxpayer's erasure request, carried out by an HR user with a reason (DESIGN 5; PIPL art. 47).
 * What is erased, at once: the links of all their invitations (so their ratings are anonymous
 * for good), the comment and complaint text of their responses and complaints, and, for an
 * individual (a natural person), their name. What stays, because the law requires the bureau
 * to keep it or because it names nobody: the discretionary decisions about them and their
 * managing-officer history (administrative records under the tax archive rules, keyed by the
 * taxpayer code), the ratings (figures that published grades rest on, unlinked), and a legal
 * person's name (not personal data). docs/audit.md lists it. The audit entry names no taxpayer:
 * it commits to { taxpayerCode, reason } with the nonce kept in the request's row.
 */
import { eq, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { erasureRequests, taxpayers } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { conflict, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { commit } from '../audit/append.js';
import { seal } from '../audit/commitment.js';
import { cutLinks, eraseText } from './erasures.js';
import { jsonParam } from '../../db/json-param.js';
import { freeText } from '../core/text.js';

export const eraseTaxpayerInput = z
  .object({ reason: freeText(z.string().trim().min(3).max(2000)).openapi({ description: 'Why (the request and its legal basis). Kept in the request row; the log holds a commitment to it.' }) })
  .openapi('EraseTaxpayer');

export const erasureOutput = z
  .object({
    id: z.string(),
    taxpayerCode: z.string(),
    erasedAt: z.string(),
    erased: z.object({ name: z.boolean(), invitations: z.number().int(), responses: z.number().int(), complaints: z.number().int() }),
    kept: z.array(z.string()).openapi({ description: 'What stays, and why (decisions and assignments: legal retention)' }),
  })
  .openapi('Erasure');

export async function eraseTaxpayer({ ctx, input: given }: { ctx: Ctx; input: { code: string } & Unchecked<z.input<typeof eraseTaxpayerInput>> }) {
  requireRole(ctx.actor, 'hr');
  const input = { code: given.code, ...parseInput(eraseTaxpayerInput, given) };
  const [tp] = await ctx.db.select().from(taxpayers).where(eq(taxpayers.code, input.code));
  if (!tp) throw notFound(`No taxpayer ${input.code}.`);
  if (tp.erasedAt) throw conflict(`Taxpayer ${input.code} was already erased on ${tp.erasedAt.slice(0, 10)}.`, 'already_erased');

  const invitationIds = (await ctx.db.all<{ id: string }>(sql`select id from invitations where taxpayer_code = ${input.code}`)).map((r) => r.id);
  const list = jsonParam(invitationIds);
  const responseIds = (await ctx.db.all<{ id: string }>(sql`select id from feedback_responses where invitation_id in (select value from json_each(${list}))`)).map((r) => r.id);
  const complaintIds = (
    await ctx.db.all<{ id: string }>(sql`select id from complaints where response_id in (select value from json_each(${jsonParam(responseIds)}))`)
  ).map((r) => r.id);

  const now = ctx.clock.now();
  const at = now.toISOString();
  const id = newId('era', now);
  const person = tp.category === 'individual';
  const erased = { name: person, invitations: invitationIds.length, responses: responseIds.length, complaints: complaintIds.length };
  const kept = ['decisions', 'assignments', 'ratings', ...(person ? [] : ['name'])];
  const sealed = seal({ taxpayerCode: input.code, reason: input.reason });
  await commit(
    ctx,
    [
      ...cutLinks(ctx.db, invitationIds, at),
      ...eraseText(ctx.db, { responseIds, complaintIds }, at),
      ctx.db.update(taxpayers).set({ ...(person ? { name: '' } : {}), erasedAt: at }).where(eq(taxpayers.code, input.code)),
      ctx.db.insert(erasureRequests).values({ id, requestedBy: ctx.actor.userId, requestedAt: at, reason: input.reason, erased, nonce: sealed.nonce }),
    ],
    [{ action: 'taxpayer.erase', entity: 'erasure_request', entityId: id, payload: { category: tp.category, erased, kept, request: sealed.commitment } }],
  );
  return { id, taxpayerCode: input.code, erasedAt: at, erased, kept };
}
