/**
 * Survey invitations: one per service interaction, a random token stored only as its SHA-256,
 * single use, expiring after INVITATION_TTL_DAYS.
 */
import { eq, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { invitations, officers, taxpayers } from '../../db/schema.js';
import { jsonRows, statementText } from '../../db/json-rows.js';
import { isUniqueViolation } from '../../db/errors.js';
import { coalescedRead } from './hot-path.js';
import { refuseOwnCase, requireRole, type Ctx } from '../core/context.js';
import { ApiError, badRequest } from '../core/errors.js';
import { newId, randomToken } from '../core/ids.js';
import { sha256HexSync } from '../core/sha256.js';
import { isoDate } from '../core/clock.js';
import { commit, type AuditEvent, type Write } from '../audit/append.js';
import { seal } from '../audit/commitment.js';
import { INVITATION_TOKEN_BYTES, INVITATION_TTL_DAYS } from './policy.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { deliveryInput, planDelivery } from '../delivery/plan.js';

export const issueInvitationInput = z
  .object({
    officerCode: z.string().min(1).max(64),
    taxpayerCode: z.string().min(1).max(64),
    interactionRef: z.string().min(1).max(200),
    /** Where the service delivers the invitation and its reminders (src/delivery); without it the caller hands the link over. */
    delivery: deliveryInput.optional(),
  })
  .openapi('IssueInvitation');

export const invitationOutput = z
  .object({ id: z.string(), token: z.string(), url: z.string(), expiresAt: z.string() })
  .openapi('Invitation');

export type IssueInvitationInput = z.output<typeof issueInvitationInput>;
export type InvitationOut = z.infer<typeof invitationOutput>;

/** The stored form of a token (hashed at once: the form's hot path does it on every request). */
export function invitationTokenHash(token: string): string {
  return sha256HexSync(token);
}

/** Tokens we issue are base64url of INVITATION_TOKEN_BYTES bytes; anything else is not ours. */
export const tokenPattern = /^[A-Za-z0-9_-]{22,100}$/;

export function invitationUrl(ctx: Pick<Ctx, 'config'>, token: string): string {
  return `${ctx.config.publicUrl.replace(/\/+$/, '')}/f/${token}`;
}

/** Checks the officer can still be rated: exists (400) and has not left (409). */
export async function checkOfficerRateable(ctx: Ctx, officerCode: string) {
  const [o] = await ctx.db
    .select({ code: officers.code, leaveDate: officers.leaveDate })
    .from(officers)
    .where(eq(officers.code, officerCode));
  if (!o) throw badRequest('Unknown officer.', [{ path: 'officerCode', message: `no officer ${officerCode}` }]);
  const today = isoDate(ctx.clock.now());
  if (o.leaveDate && o.leaveDate < today) {
    throw new ApiError(409, 'officer_left', `Officer ${officerCode} left on ${o.leaveDate}; no new invitations.`, [
      { path: 'officerCode', message: `left on ${o.leaveDate}` },
    ]);
  }
  return o;
}

/**
 * Builds (does not write) one invitation: the row, its audit event and the token to show once.
 * The audit payload carries the token's hash, never the token, and no taxpayer identity: a salted
 * commitment to { taxpayerCode, interactionRef } whose nonce stays in the row (DESIGN 5; the
 * interaction reference of the intake system leads to the taxpayer as surely as the code).
 */
export function planInvitation(
  ctx: Ctx,
  input: IssueInvitationInput & { sampleId?: string },
): { token: string; out: InvitationOut; write: Write; event: AuditEvent } {
  requireRole(ctx.actor, 'intake', 'hr');
  const now = ctx.clock.now();
  const id = newId('inv', now);
  const token = randomToken(INVITATION_TOKEN_BYTES);
  const tokenHash = invitationTokenHash(token);
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_DAYS * 86_400_000).toISOString();
  const taxpayer = seal({ taxpayerCode: input.taxpayerCode, interactionRef: input.interactionRef });
  const row = {
    id,
    tokenHash,
    officerCode: input.officerCode,
    taxpayerCode: input.taxpayerCode,
    interactionRef: input.interactionRef,
    createdBy: ctx.actor.userId,
    createdAt: now.toISOString(),
    expiresAt,
    usedAt: null,
    sampleId: input.sampleId ?? null,
    commitmentNonce: taxpayer.nonce,
  };
  return {
    token,
    out: { id, token, url: invitationUrl(ctx, token), expiresAt },
    write: ctx.db.insert(invitations).values(row),
    event: {
      action: 'invitation.issue',
      entity: 'invitation',
      entityId: id,
      payload: {
        officerCode: input.officerCode,
        taxpayer: taxpayer.commitment,
        tokenHash,
        expiresAt,
        sampleId: input.sampleId ?? null,
      },
    },
  };
}

/**
 * Intake or HR invites the taxpayer of one interaction to rate it (201 with the token, once).
 * Nobody chooses who rates them: an HR user linked to the officer gets 403 `own_case`.
 */
export async function issueInvitation({ ctx, input: given }: { ctx: Ctx; input: Unchecked<z.input<typeof issueInvitationInput>> }): Promise<InvitationOut> {
  requireRole(ctx.actor, 'intake', 'hr');
  const input = parseInput(issueInvitationInput, given);
  refuseOwnCase(ctx.actor, input.officerCode, 'inviting ratings of yourself');
  await checkOfficerRateable(ctx, input.officerCode);
  const [tp] = await ctx.db.select({ code: taxpayers.code }).from(taxpayers).where(eq(taxpayers.code, input.taxpayerCode));
  if (!tp) throw badRequest('Unknown taxpayer.', [{ path: 'taxpayerCode', message: `no taxpayer ${input.taxpayerCode}` }]);
  const refConflict = () =>
    new ApiError(409, 'interaction_already_invited', `Interaction ${input.interactionRef} already has an invitation.`, [
      { path: 'interactionRef', message: 'already invited' },
    ]);
  const [dup] = await ctx.db
    .select({ id: invitations.id })
    .from(invitations)
    .where(eq(invitations.interactionRef, input.interactionRef));
  if (dup) throw refConflict();
  const plan = planInvitation(ctx, input);
  const delivery = input.delivery
    ? await planDelivery(ctx, { invitationId: plan.out.id, url: plan.out.url, issuedAt: ctx.clock.now(), delivery: input.delivery })
    : null;
  try {
    await commit(ctx, [plan.write, ...(delivery?.writes ?? [])], [plan.event, ...(delivery ? [delivery.event] : [])]);
  } catch (err) {
    // Two intake calls for one interaction at once: the unique index decides, the loser is 409.
    if (isUniqueViolation(err, 'interaction_ref')) throw refConflict();
    throw err;
  }
  return plan.out;
}

export type InvitationState = 'ok' | 'used' | 'expired' | 'unknown';

export interface ResolvedInvitation {
  state: InvitationState;
  invitation?: {
    id: string;
    officerCode: string;
    officerName: string;
    expiresAt: string;
    usedAt: string | null;
  };
}

interface InvitationRow {
  id: string;
  officerCode: string;
  officerName: string;
  expiresAt: string;
  usedAt: string | null;
}

const i = invitations;

/** The invitations (with their officer's name) of a JSON array of token hashes. */
const LOOKUP_TOKENS = statementText(sql`
  select ${i.tokenHash} as "tokenHash", ${i.id} as "id", ${i.officerCode} as "officerCode",
         ${officers.name} as "officerName", ${i.expiresAt} as "expiresAt", ${i.usedAt} as "usedAt"
  from ${i} join ${officers} on ${officers.code} = ${i.officerCode}
  where ${i.tokenHash} in (select j.value from ${jsonRows})`);

/** Looks a token up (by hash) and says whether it can still be used. */
export async function resolveInvitation(ctx: Pick<Ctx, 'db' | 'clock'>, token: string): Promise<ResolvedInvitation> {
  if (!tokenPattern.test(token)) return { state: 'unknown' };
  // Read together with the look-ups of the requests that arrive with this one (hot-path.ts).
  const found = await coalescedRead<InvitationRow & { tokenHash: string }>(ctx.db, LOOKUP_TOKENS, 'tokenHash', invitationTokenHash(token));
  if (!found) return { state: 'unknown' };
  const row = { id: found.id, officerCode: found.officerCode, officerName: found.officerName, expiresAt: found.expiresAt, usedAt: found.usedAt };
  if (row.usedAt) return { state: 'used', invitation: row };
  if (row.expiresAt <= ctx.clock.now().toISOString()) return { state: 'expired', invitation: row };
  return { state: 'ok', invitation: row };
}
