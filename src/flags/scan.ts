/**
 * The scan: runs every enabled rule (each a set of SQL aggregates) and raises what they find,
 * in a few commit() batches.
 */
import { isConstraintViolation } from '../../db/errors.js';
import { commit } from '../audit/append.js';
import { requireRole, type Ctx } from '../core/context.js';
import { defaultOversightPolicy, type OversightPolicy, type RuleId } from './policy.js';
import { combinedWrites, planRaises, type FlagCandidate } from './raise.js';
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
import { feedbackSelection } from './rules/feedback-selection.js';

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
  feedback_selection: feedbackSelection,
};

/** Flags per batch: large enough that a scan is a few batches, small enough for D1's limits. */
const BATCH_FLAGS = 200;

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
  // Planned all at once (a few chunked reads), committed BATCH_FLAGS at a time. Every draw is
  // seeded with the log head read at planning: a real head, recorded in the draw.
  const plans = await planRaises(ctx, candidates);
  for (let i = 0; i < plans.length; i += BATCH_FLAGS) {
    let chunk = plans.slice(i, i + BATCH_FLAGS);
    for (let attempt = 0; chunk.length; attempt++) {
      try {
        await commit(ctx, combinedWrites(ctx, chunk), chunk.flatMap((p) => p.events));
      } catch (err) {
        // A concurrent scan or complaint may win a race on a condition (the unique index on
        // unclosed flags, or a guarded reopen, then fails this batch whole): plan these again.
        if (attempt < 2 && isConstraintViolation(err)) {
          chunk = await planRaises(ctx, chunk.map((p) => p.candidate));
          continue;
        }
        throw err;
      }
      raised += chunk.length;
      for (const p of chunk) byRule[p.candidate.rule] = (byRule[p.candidate.rule] ?? 0) + 1;
      break;
    }
  }
  return { raised, candidates: candidates.length, byRule };
}
