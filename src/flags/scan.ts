/**
 * The scan: runs every enabled rule (each a set of SQL aggregates) and raises what they find,
 * in a few commit() batches (the scan job, scan-job.ts).
 */
import { requireRole, type Ctx } from '../core/context.js';
import { defaultOversightPolicy, type OversightPolicy, type RuleId } from './policy.js';
import type { FlagCandidate } from './raise.js';
import { ApiError } from '../core/errors.js';
import { runJob } from '../jobs/run.js';
import { scanJob, type ScanOutput } from './scan-job.js';
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
 * The raising is the scan job (scan-job.ts): on Node it all happens here; on the Worker, a scan
 * with more flags than one invocation can write answers `running` with its job id once the rest
 * is handed over. One scan at a time where jobs are tracked: the scheduler skips a scan while one
 * runs, a person gets 409 `job_running`.
 */
export async function scanFlags({ ctx, policy = defaultOversightPolicy }: { ctx: Ctx; policy?: OversightPolicy }): Promise<ScanOutcome> {
  // The scheduler's system actor may scan; an anonymous request (also a system actor) may not.
  const scheduler = ctx.actor.kind === 'system' && ctx.actor.name !== 'anonymous';
  if (!scheduler) requireRole(ctx.actor, 'supervisor', 'hr');
  try {
    const out = await runJob(ctx, scanJob, { key: 'flag-scan', state: { policy, phase: 'find', candidates: 0, handled: 0, raised: 0, byRule: {} } });
    if (out.status === 'done') return { status: 'done', ...out.output };
    const s = out.state;
    return { status: 'running', jobId: out.jobId, raised: s.raised, candidates: s.candidates, byRule: s.byRule };
  } catch (err) {
    if (scheduler && err instanceof ApiError && err.code === 'job_running') return { status: 'running', jobId: null, raised: 0, candidates: 0, byRule: {} };
    throw err;
  }
}

export type ScanOutcome = ScanOutput & ({ status: 'done' } | { status: 'running'; jobId: string | null });
