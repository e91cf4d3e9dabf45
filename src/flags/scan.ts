/**
 * The scan: runs every enabled rule (each a set of SQL aggregates) and raises what they find,
 * in a few commit() batches.
 */
import { commit, type AuditEvent, type Write } from '../audit/append.js';
import { requireRole } from '../auth/tokens.js';
import type { Ctx } from '../core/context.js';
import { defaultOversightPolicy, type OversightPolicy, type RuleId } from './policy.js';
import { planRaise, type FlagCandidate } from './raise.js';
import { ruleContext, type Rule } from './rules/common.js';
import { bunching } from './rules/bunching.js';
import { soleDecider } from './rules/sole-decider.js';
import { reviewerConcentration } from './rules/reviewer-concentration.js';
import { rotationDue } from './rules/rotation-due.js';
import { peerOutlier } from './rules/peer-outlier.js';
import { benford } from './rules/benford.js';
import { lateAmendment } from './rules/late-amendment.js';
import { feedbackBurst } from './rules/feedback-burst.js';
import { repeatWaiver } from './rules/repeat-waiver.js';
import { noQuorum } from './rules/no-quorum.js';

/** The scanning rules; `complaint` is raised by the feedback flow when a complaint is filed. */
export const scanRules: Partial<Record<RuleId, Rule>> = {
  threshold_bunching: bunching,
  sole_decider: soleDecider,
  reviewer_concentration: reviewerConcentration,
  rotation_due: rotationDue,
  peer_outlier: peerOutlier,
  benford,
  late_amendment: lateAmendment,
  feedback_burst: feedbackBurst,
  repeat_waiver: repeatWaiver,
  no_quorum: noQuorum,
};

/** Flags per batch: large enough that a scan is a few batches, small enough for D1's limits. */
const BATCH_FLAGS = 50;

/** Runs the rules and returns their candidates, without writing anything. */
export async function findCandidates(ctx: Ctx, policy: OversightPolicy = defaultOversightPolicy): Promise<FlagCandidate[]> {
  const rc = ruleContext(ctx, policy);
  const out: FlagCandidate[] = [];
  for (const [id, rule] of Object.entries(scanRules) as [RuleId, Rule][]) {
    if (!policy.rules[id].enabled) continue;
    out.push(...(await rule(rc)));
  }
  return out;
}

/**
 * Runs every rule now (supervisor, hr, or the scheduler's system actor). Candidates whose
 * condition already has an unclosed flag, or a closed one with no new evidence, raise nothing.
 */
export async function scanFlags({ ctx, policy = defaultOversightPolicy }: { ctx: Ctx; policy?: OversightPolicy }) {
  // The scheduler's system actor may scan; an anonymous request (also a system actor) may not.
  if (!(ctx.actor.kind === 'system' && ctx.actor.name !== 'anonymous')) requireRole(ctx.actor, 'supervisor', 'hr');
  const candidates = await findCandidates(ctx, policy);
  let raised = 0;
  const byRule: Record<string, number> = {};
  for (let i = 0; i < candidates.length; i += BATCH_FLAGS) {
    const chunk = candidates.slice(i, i + BATCH_FLAGS);
    // A concurrent scan may win a race on the same condition (the unique index on unclosed flags
    // then fails this batch whole); planning again sees its flags and skips them.
    for (let attempt = 0; ; attempt++) {
      const writes: Write[] = [];
      const events: AuditEvent[] = [];
      const rules: string[] = [];
      for (const c of chunk) {
        const plan = await planRaise(ctx, c);
        if (!plan) continue;
        writes.push(...plan.writes);
        events.push(...plan.events);
        rules.push(c.rule);
      }
      if (!events.length) break;
      try {
        await commit(ctx, writes, events);
      } catch (err) {
        if (attempt < 2 && /UNIQUE|NOT NULL|constraint/i.test(String((err as Error & { cause?: Error }).cause?.message ?? (err as Error).message))) continue;
        throw err;
      }
      raised += rules.length;
      for (const r of rules) byRule[r] = (byRule[r] ?? 0) + 1;
      break;
    }
  }
  return { raised, candidates: candidates.length, byRule };
}
