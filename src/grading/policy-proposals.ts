/**
 * Policies under four eyes: one HR user proposes a policy document with the first quarter it
 * applies to and a reason; a different HR user approves or rejects it (DESIGN 3). Until one is
 * approved the built-in default is in effect, so a database from before this existed keeps
 * grading as it did. Every step is an audit entry; the document itself is kept by hash
 * (`policy.store`), as runs keep theirs.
 */
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { policies, policyProposals } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { ApiError, badRequest, conflict, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { periodOf } from '../core/period.js';
import { periodParam } from '../core/openapi.js';
import { keyset } from '../core/pagination.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { isUniqueViolation } from '../../db/errors.js';
import { canonicalJson } from '../audit/canonical.js';
import { commitGuarded, guarded } from '../audit/guarded.js';
import { parsePolicy } from './run-model.js';
import { policyHash, policyInEffect, storePolicy, type ProposalRow } from './policies.js';
import type { Policy } from '../../scoring/policy.js';
import { freeText } from '../core/text.js';
import { cursorParam, limitParam } from '../core/openapi.js';

const quarter = periodParam;

export const proposePolicyInput = z
  .object({
    document: z.unknown().openapi({ description: 'A full policy document (the shape of the built-in default, GET /api/v1/policies).' }),
    effectiveFrom: quarter.openapi({ example: '2027Q1' }),
    reason: freeText(z.string().trim().min(1).max(4000)),
  })
  .openapi('ProposePolicy');

export const decidePolicyInput = z
  .object({
    decision: z.enum(['approve', 'reject']),
    reason: freeText(z.string().trim().min(1).max(4000)),
  })
  .openapi('DecidePolicy');

export const listPoliciesQuery = z.object({
  /** The quarter whose policy in effect is answered; default: the current one. */
  period: quarter.optional(),
  status: z.enum(['proposed', 'approved', 'rejected']).optional(),
  limit: limitParam.optional(),
  cursor: cursorParam.optional(),
});

/** The current quarter: a policy may take effect from it on, never for a quarter already over. */
const currentQuarter = (ctx: Pick<Ctx, 'clock'>) => periodOf(ctx.clock.now().toISOString());

/** One proposal as the API answers it, with its document. */
export function proposalView(row: ProposalRow, document: Policy) {
  return {
    id: row.id,
    hash: row.policyHash,
    version: document.version,
    effectiveFrom: row.effectiveFrom,
    status: row.status,
    reason: row.reason,
    proposedBy: row.proposedBy,
    proposedAt: row.proposedAt,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt,
    decisionReason: row.decisionReason,
    document,
  };
}

/**
 * HR proposes a policy document from a quarter on (the current one or later). 201 with its hash
 * and `status: proposed`; it is in effect only once a different HR user approves it. The same
 * document cannot wait for two decisions at once (409 `policy_proposed`).
 */
export async function proposePolicy({ ctx, input: given }: { ctx: Ctx; input: Unchecked<z.input<typeof proposePolicyInput>> }) {
  requireRole(ctx.actor, 'hr');
  const input = parseInput(proposePolicyInput, given);
  if (input.document === undefined) throw badRequest('A proposal carries the policy document.', [{ path: 'document', message: 'required' }]);
  const policy = relabel(() => parsePolicy(input.document));
  const current = currentQuarter(ctx);
  if (input.effectiveFrom < current) {
    throw badRequest(`A policy takes effect from the current quarter (${current}) or a later one, never for a quarter already over.`, [
      { path: 'effectiveFrom', message: `must be ${current} or later` },
    ]);
  }
  const document = canonicalJson(policy);
  const hash = await policyHash(policy);
  const [open] = await ctx.db.select({ id: policyProposals.id }).from(policyProposals).where(and(eq(policyProposals.policyHash, hash), eq(policyProposals.status, 'proposed')));
  if (open) throw conflict(`This document (${hash.slice(0, 12)}) is already proposed and waiting for a decision.`, 'policy_proposed');

  const now = ctx.clock.now();
  const at = now.toISOString();
  const row: ProposalRow = {
    id: newId('pol', now),
    policyHash: hash,
    effectiveFrom: input.effectiveFrom,
    reason: input.reason,
    proposedBy: ctx.actor.userId,
    proposedAt: at,
    status: 'proposed',
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
  };
  const stored = await storePolicy(ctx, policy, hash, document, at);
  try {
    await commitGuarded(
      ctx,
      [...stored.writes, ctx.db.insert(policyProposals).values(row)],
      [
        ...stored.events,
        { action: 'policy.propose', entity: 'policy_proposal', entityId: row.id, payload: { hash, version: policy.version, effectiveFrom: row.effectiveFrom, reason: row.reason } },
      ],
      'policy_proposed',
      'This document was proposed meanwhile and is waiting for a decision.',
    );
  } catch (e) {
    if (isUniqueViolation(e, 'policy_hash')) throw conflict('This document was proposed meanwhile and is waiting for a decision.', 'policy_proposed');
    throw e;
  }
  return { ...proposalView(row, policy), status: 'proposed' as const };
}

/** Policy validation errors name `document.<path>` (parsePolicy says `policy.<path>`). */
function relabel<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ApiError && e.errors) {
      throw new ApiError(e.status, e.code, e.message, e.errors.map((x) => ({ ...x, path: x.path.replace(/^policy/, 'document') })));
    }
    throw e;
  }
}

/**
 * A different HR user approves or rejects the proposal waiting for `hash` (the proposer: 403
 * `own_proposal`). An approval for a quarter already over is refused (409 `effective_from_passed`):
 * the proposal waited too long, and a new one names a quarter still to come.
 */
export async function decidePolicy({ ctx, input: given }: { ctx: Ctx; input: { hash: string } & Unchecked<z.input<typeof decidePolicyInput>> }) {
  requireRole(ctx.actor, 'hr');
  const input = { hash: given.hash, ...parseInput(decidePolicyInput, given) };
  const rows = await ctx.db.select().from(policyProposals).where(eq(policyProposals.policyHash, input.hash)).orderBy(desc(policyProposals.proposedAt), desc(policyProposals.id));
  if (rows.length === 0) throw notFound(`No policy proposal for ${input.hash}.`);
  const row = rows.find((r) => r.status === 'proposed');
  if (!row) throw conflict(`The proposal of ${input.hash.slice(0, 12)} was already ${rows[0]!.status}.`, 'policy_decided');
  if (row.proposedBy === ctx.actor.userId) {
    throw new ApiError(403, 'own_proposal', 'The HR user who proposed a policy cannot decide it; a second HR user must (four eyes).');
  }
  const current = currentQuarter(ctx);
  if (input.decision === 'approve' && row.effectiveFrom < current) {
    throw conflict(`The proposal was to take effect from ${row.effectiveFrom}, which is over; propose it again from ${current} or later.`, 'effective_from_passed');
  }
  const at = ctx.clock.now().toISOString();
  const status = input.decision === 'approve' ? ('approved' as const) : ('rejected' as const);
  const decided = { status, decidedBy: ctx.actor.userId, decidedAt: at, decisionReason: input.reason };
  const stillOpen = sql`(select status from ${policyProposals} where id = ${row.id}) = 'proposed'`;
  await commitGuarded(
    ctx,
    [ctx.db.update(policyProposals).set({ ...decided, status: guarded(status, stillOpen) as never }).where(eq(policyProposals.id, row.id))],
    [{ action: `policy.${input.decision}`, entity: 'policy_proposal', entityId: row.id, payload: { hash: row.policyHash, effectiveFrom: row.effectiveFrom, reason: input.reason } }],
    'policy_decided',
    'The proposal was decided meanwhile.',
  );
  const [doc] = await ctx.db.select({ document: policies.document }).from(policies).where(eq(policies.hash, row.policyHash));
  return proposalView({ ...row, ...decided }, JSON.parse(doc!.document) as Policy);
}

const newestFirst = keyset('desc', [policyProposals.proposedAt, policyProposals.id], (r: { proposedAt: string; id: string }) => [r.proposedAt, r.id]);

/**
 * The policy in effect for a quarter (default: the current one) and the proposals, newest first.
 * HR sees every proposal; officers and supervisors see the policy in effect and the approved ones
 * (what they are and will be graded by), not the deliberation.
 */
export async function listPolicies({ ctx, input }: { ctx: Ctx; input: z.infer<typeof listPoliciesQuery> }) {
  requireRole(ctx.actor, 'hr', 'supervisor', 'officer');
  const period = input.period ?? currentQuarter(ctx);
  const inEffect = await policyInEffect(ctx, period);
  const limit = input.limit ?? 100;
  const where: SQL[] = [];
  if (ctx.actor.role !== 'hr') where.push(eq(policyProposals.status, 'approved'));
  if (input.status) where.push(eq(policyProposals.status, input.status));
  const after = newestFirst.after(input.cursor);
  if (after) where.push(after);
  const rows = await ctx.db
    .select({ proposal: policyProposals, document: policies.document })
    .from(policyProposals)
    .innerJoin(policies, eq(policies.hash, policyProposals.policyHash))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(policyProposals.proposedAt), desc(policyProposals.id))
    .limit(limit + 1);
  const page = newestFirst.page(rows.map((r) => ({ ...r, proposedAt: r.proposal.proposedAt, id: r.proposal.id })), limit);
  return {
    period,
    inEffect: {
      hash: inEffect.hash,
      effectiveFrom: inEffect.effectiveFrom,
      builtIn: inEffect.builtIn,
      approvedBy: inEffect.proposal?.decidedBy ?? null,
      approvedAt: inEffect.proposal?.decidedAt ?? null,
      document: inEffect.policy,
    },
    items: page.items.map((r) => proposalView(r.proposal, JSON.parse(r.document) as Policy)),
    nextCursor: page.nextCursor,
  };
}

/** Approved proposals that take effect after `period`, soonest first (what officers will be graded by next). */
export async function upcomingPolicies(ctx: Ctx, period: string) {
  requireRole(ctx.actor, 'hr', 'supervisor', 'officer');
  const rows = await ctx.db
    .select({ proposal: policyProposals, document: policies.document })
    .from(policyProposals)
    .innerJoin(policies, eq(policies.hash, policyProposals.policyHash))
    .where(and(eq(policyProposals.status, 'approved'), sql`${policyProposals.effectiveFrom} > ${period}`))
    .orderBy(policyProposals.effectiveFrom, desc(policyProposals.decidedAt));
  const seen = new Set<string>();
  // One per quarter: the one approved last wins among equals, as policyInEffect decides.
  return rows
    .filter((r) => (seen.has(r.proposal.effectiveFrom) ? false : (seen.add(r.proposal.effectiveFrom), true)))
    .map((r) => proposalView(r.proposal, JSON.parse(r.document) as Policy));
}
