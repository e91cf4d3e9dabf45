/**
 * Random return visits (回访): HR draws k taxpayers per officer among those the officer managed in
 * the period, and gets invitations for them, so officers cannot choose who rates them. The seed
 * is recorded (return_visit_samples and the audit log) and the draw is a pure function of
 * (seed, officer, the officer's candidates in code order), so anyone can re-run it.
 */
import { asc, eq, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { invitations, returnVisitSamples } from '../../db/schema.js';
import { isOwnCase, requireRole, type Ctx } from '../core/context.js';
import { badRequest, notFound } from '../core/errors.js';
import { newId, randomToken } from '../core/ids.js';
import { isoDate } from '../core/clock.js';
import { parsePeriod } from '../core/period.js';
import { periodParam } from '../core/openapi.js';
import { commit, type AuditEvent, type Write } from '../audit/append.js';
import { commitmentOf, loggedPayload, newNonce } from '../audit/commitment.js';
import { planInvitation, type InvitationOut } from './invitations.js';
import { RETURN_VISIT_MAX_PER_OFFICER } from './policy.js';

export const drawInput = z
  .object({
    period: periodParam,
    perOfficer: z.number().int().min(1).max(RETURN_VISIT_MAX_PER_OFFICER),
    seed: z.string().min(1).max(200).optional(),
  })
  .openapi('DrawReturnVisits');

export const drawOutput = z
  .object({
    sampleId: z.string(),
    period: z.string(),
    perOfficer: z.number().int(),
    seed: z.string(),
    invitations: z.array(
      z.object({
        officerCode: z.string(),
        taxpayerCode: z.string(),
        interactionRef: z.string(),
        id: z.string(),
        token: z.string(),
        url: z.string(),
        expiresAt: z.string(),
      }),
    ),
    skippedOfficers: z.array(z.object({ officerCode: z.string(), reason: z.string() })),
  })
  .openapi('ReturnVisitSample');

/**
 * The i-th uniform draw in [0, n) for one officer: the first 48 bits of
 * SHA-256(seed || 0x0a || officerCode || 0x0a || i), times n, floored. (48 bits against n of at
 * most a few thousand taxpayers: the bias is below 2^-36.)
 */
export function drawIndex(seed: string, officerCode: string, i: number, n: number): number {
  const h = sha256(utf8ToBytes(`${seed}\n${officerCode}\n${i}`));
  let x = 0;
  for (let b = 0; b < 6; b++) x = x * 256 + h[b]!;
  return Math.floor((x / 2 ** 48) * n);
}

/**
 * Picks k of `candidates` (already in code order) by a partial Fisher-Yates shuffle driven by
 * drawIndex; fewer than k candidates: all of them. Returned in draw order.
 */
export function drawSample(seed: string, officerCode: string, candidates: readonly string[], k: number): string[] {
  const a = [...candidates];
  const m = Math.min(k, a.length);
  for (let i = 0; i < m; i++) {
    const j = i + drawIndex(seed, officerCode, i, a.length - i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, m);
}

/** One officer's candidates, in code order: the distinct taxpayers they managed in the period. */
async function candidatesOf(ctx: Ctx, officerCode: string, range: { start: string; end: string }): Promise<string[]> {
  const rows = await ctx.db.all<{ taxpayer_code: string }>(sql`
    select distinct taxpayer_code from assignments
    where officer_code = ${officerCode} and from_date <= ${range.end} and (to_date is null or to_date >= ${range.start})
    order by taxpayer_code`);
  return rows.map((r) => r.taxpayer_code);
}

/** HR draws a reproducible random sample of taxpayers per officer and invites them. */
export async function drawReturnVisits({ ctx, input }: { ctx: Ctx; input: z.infer<typeof drawInput> }) {
  requireRole(ctx.actor, 'hr');
  const range = parsePeriod(input.period);
  if (!range) throw badRequest('Unknown period.', [{ path: 'period', message: 'a quarter like 2026Q3' }]);
  const seed = input.seed ?? randomToken(16);
  const now = ctx.clock.now();
  const sampleId = newId('rvs', now);
  const today = isoDate(now);

  // Officers with at least one assignment overlapping the period, in code order.
  const officerRows = await ctx.db.all<{ code: string; leave_date: string | null }>(sql`
    select o.code, o.leave_date from officers o
    where exists (select 1 from assignments a where a.officer_code = o.code
                  and a.from_date <= ${range.end} and (a.to_date is null or a.to_date >= ${range.start}))
    order by o.code`);

  // The leaf commits to who was drawn, per officer, without naming a taxpayer (DESIGN 5).
  const nonce = newNonce();
  const writes: Write[] = [
    ctx.db.insert(returnVisitSamples).values({
      id: sampleId,
      period: input.period,
      perOfficer: input.perOfficer,
      seed,
      createdBy: ctx.actor.userId,
      createdAt: now.toISOString(),
      commitmentNonce: nonce,
    }),
  ];
  const events: AuditEvent[] = [];
  const invitationsOut: (InvitationOut & { officerCode: string; taxpayerCode: string; interactionRef: string })[] = [];
  const skippedOfficers: { officerCode: string; reason: string }[] = [];
  const drawn: Record<string, string[]> = {};

  for (const o of officerRows) {
    if (o.leave_date && o.leave_date < today) {
      skippedOfficers.push({ officerCode: o.code, reason: `left on ${o.leave_date}` });
      continue;
    }
    const candidates = await candidatesOf(ctx, o.code, range);
    const picked = drawSample(seed, o.code, candidates, input.perOfficer);
    drawn[o.code] = picked;
    for (const [i, taxpayerCode] of picked.entries()) {
      // The reference names the draw and the place in it, not the taxpayer.
      const interactionRef = `rv:${sampleId}:${o.code}:${i + 1}`;
      const plan = planInvitation(ctx, { officerCode: o.code, taxpayerCode, interactionRef, sampleId });
      writes.push(plan.write);
      events.push(plan.event);
      invitationsOut.push({ officerCode: o.code, taxpayerCode, interactionRef, ...plan.out });
    }
  }
  events.unshift({
    action: 'return_visit.draw',
    entity: 'return_visit_sample',
    entityId: sampleId,
    payload: { period: input.period, perOfficer: input.perOfficer, seed, drawn: drawnCommitments(drawn, nonce), skippedOfficers },
  });
  await commit(ctx, writes, events);
  return { sampleId, period: input.period, perOfficer: input.perOfficer, seed, invitations: invitationsOut, skippedOfficers };
}

/** Per officer, the commitment to the taxpayers drawn for them, in draw order (one nonce per draw: the officer code sets each record apart). */
export function drawnCommitments(drawn: Record<string, string[]>, nonce: string): Record<string, string> {
  return Object.fromEntries(Object.entries(drawn).map(([officerCode, taxpayerCodes]) => [officerCode, commitmentOf({ officerCode, taxpayerCodes }, nonce)]));
}

export const sampleCheckOutput = z
  .object({
    sampleId: z.string(),
    period: z.string(),
    perOfficer: z.number().int(),
    seed: z.string(),
    createdAt: z.string(),
    reproducible: z.boolean(),
    officers: z.array(z.object({ officerCode: z.string(), invited: z.array(z.string()), redrawn: z.array(z.string()), matches: z.boolean() })),
  })
  .openapi('ReturnVisitCheck');

/**
 * Re-runs a recorded draw from its seed and the assignments as they are now, against the draw's
 * commitments in the log (beside the invitations it produced, while they still name their
 * taxpayers): anyone with access can check that nobody chose who was asked.
 * (A difference means the assignments of the period were changed after the draw.) A reader
 * linked to an officer record does not see which taxpayers were asked about themselves (that is
 * who rated them); `reproducible` still covers every officer.
 */
export async function checkReturnVisits({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requireRole(ctx.actor, 'hr', 'supervisor');
  const [sample] = await ctx.db.select().from(returnVisitSamples).where(eq(returnVisitSamples.id, input.id));
  if (!sample) throw notFound(`No return-visit sample ${input.id}.`);
  const range = parsePeriod(sample.period)!;
  const invited = await ctx.db
    .select({ officerCode: invitations.officerCode, taxpayerCode: invitations.taxpayerCode, createdAt: invitations.createdAt, id: invitations.id })
    .from(invitations)
    .where(eq(invitations.sampleId, sample.id))
    .orderBy(asc(invitations.officerCode), asc(invitations.id));
  // Taxpayer codes of invitations whose link was cut (retention) are gone: null here.
  const byOfficer = new Map<string, string[]>();
  for (const i of invited) byOfficer.set(i.officerCode, [...(byOfficer.get(i.officerCode) ?? []), ...(i.taxpayerCode ? [i.taxpayerCode] : [])]);
  // The draw's leaf commits to who was drawn per officer; checked against it, the check holds
  // after the invitations' links are cut. Draws from before the commitments: against the invitations.
  const logged = sample.commitmentNonce ? await loggedPayload(ctx.db, { action: 'return_visit.draw', entity: 'return_visit_sample', entityId: sample.id }) : null;
  const committed = (logged?.drawn ?? null) as Record<string, string> | null;
  const officers = committed ? Object.keys(committed).sort() : [...byOfficer.keys()];
  const officersOut = [];
  for (const officerCode of officers) {
    const redrawn = drawSample(sample.seed, officerCode, await candidatesOf(ctx, officerCode, range), sample.perOfficer);
    const codes = byOfficer.get(officerCode) ?? [];
    const matches = committed
      ? commitmentOf({ officerCode, taxpayerCodes: redrawn }, sample.commitmentNonce!) === committed[officerCode]
      : [...codes].sort().join('\n') === [...redrawn].sort().join('\n');
    officersOut.push({ officerCode, invited: codes, redrawn, matches });
  }
  return {
    sampleId: sample.id,
    period: sample.period,
    perOfficer: sample.perOfficer,
    seed: sample.seed,
    createdAt: sample.createdAt,
    reproducible: officersOut.every((o) => o.matches),
    officers: officersOut.filter((o) => !isOwnCase(ctx.actor, o.officerCode)),
  };
}
