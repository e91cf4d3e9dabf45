/**
 * Which grading policy is in effect (DESIGN 3, "Nobody changes pay alone"). A policy takes
 * effect only through four eyes: an HR user proposes a document with the first quarter it applies
 * to, a different HR user approves it (policy-proposals.ts). The policy in effect for a quarter is
 * the approved proposal with the latest first quarter not after it (the one approved last among
 * equals); before any approval, the built-in default of scoring/. Every publishable run of a
 * quarter uses the policy in effect for it: the run verbs ask `policyInEffect`, and publishing
 * checks it again inside its batch (`inEffectHashSql`).
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import { policies, policyProposals } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';
import { sha256Hex } from '../core/ids.js';
import type { AuditEvent, Write } from '../audit/append.js';
import { canonicalJson } from '../audit/canonical.js';
import { defaultPolicy, policySchema, type Policy } from '../../scoring/policy.js';

export type ProposalRow = typeof policyProposals.$inferSelect;

export interface PolicyInEffect {
  policy: Policy;
  /** SHA-256 hex of the policy's canonical JSON: what a run stores as `policyHash`. */
  hash: string;
  /** The first quarter it applies to; null for the built-in default. */
  effectiveFrom: string | null;
  builtIn: boolean;
  /** The approved proposal that put it in effect. */
  proposal: ProposalRow | null;
}

/** The policy document's hash, as runs and proposals store it. */
export async function policyHash(policy: Policy): Promise<string> {
  return sha256Hex(canonicalJson(policy));
}

let builtIn: Promise<string> | undefined;
/** The built-in default's hash (scoring/policy.ts `defaultPolicy`). */
export function builtInPolicyHash(): Promise<string> {
  return (builtIn ??= policyHash(defaultPolicy));
}

/** The approved proposal in effect for `period`, as SQL over policy_proposals (latest first quarter, then latest approval). */
const inEffectProposal = (period: string) => sql`select id from ${policyProposals}
  where status = 'approved' and effective_from <= ${period}
  order by effective_from desc, decided_at desc, id desc limit 1`;

/** The policy in effect for a quarter `YYYYQn` (DESIGN 3): the latest approved one, else the built-in default. */
export async function policyInEffect(ctx: Pick<Ctx, 'db'>, period: string): Promise<PolicyInEffect> {
  const [row] = await ctx.db
    .select({ proposal: policyProposals, document: policies.document })
    .from(policyProposals)
    .innerJoin(policies, eq(policies.hash, policyProposals.policyHash))
    .where(sql`${policyProposals.id} = (${inEffectProposal(period)})`);
  if (!row) return { policy: defaultPolicy, hash: await builtInPolicyHash(), effectiveFrom: null, builtIn: true, proposal: null };
  return {
    policy: policySchema.parse(JSON.parse(row.document)),
    hash: row.proposal.policyHash,
    effectiveFrom: row.proposal.effectiveFrom,
    builtIn: false,
    proposal: row.proposal,
  };
}

/**
 * The hash of the policy in effect for `period` as a SQL expression, for checks repeated inside a
 * writing batch (audit/guarded.ts): a publish racing an approval sees the approval or fails.
 */
export async function inEffectHashSql(period: string): Promise<SQL> {
  return sql`coalesce((select policy_hash from ${policyProposals} where id = (${inEffectProposal(period)})), ${await builtInPolicyHash()})`;
}

/**
 * The writes that keep a policy document by its hash, with its `policy.store` audit entry, when
 * the document is new (a run or a proposal that uses it points at it); nothing when it is known.
 */
export async function storePolicy(ctx: Pick<Ctx, 'db'>, policy: Policy, hash: string, document: string, at: string): Promise<{ writes: Write[]; events: AuditEvent[] }> {
  const [known] = await ctx.db.select({ hash: policies.hash }).from(policies).where(eq(policies.hash, hash));
  if (known) return { writes: [], events: [] };
  return {
    writes: [ctx.db.insert(policies).values({ hash, version: policy.version, document, createdAt: at }).onConflictDoNothing()],
    events: [{ action: 'policy.store', entity: 'policy', entityId: hash, payload: { version: policy.version, document: policy } }],
  };
}
