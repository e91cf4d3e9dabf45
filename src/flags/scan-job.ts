/**
 * The full scan as a job (src/jobs): a province raises some 7,000 flags, each with its audit
 * entry, about 9,000 statements in all, where D1 allows 1,000 per invocation. The first step runs
 * every rule and raises what its invocation allows, in batches of BATCH_FLAGS flags (each one
 * `commit()` with the flags' entries); the candidates it could not raise wait in `job_items`
 * (JSON chunks under D1's value size) for the next steps, which raise them the same way. On Node
 * the first step raises everything and nothing waits.
 *
 * A step may run twice (a retried Workflow step): planning skips conditions that already have an
 * unclosed flag, so a candidate raised by the first attempt is not raised again, and a chunk is
 * rewritten (or deleted) only after its flags are committed.
 */
import { and, asc, eq } from 'drizzle-orm';
import { jobItems } from '../../db/schema.js';
import { isConstraintViolation } from '../../db/errors.js';
import { commit } from '../audit/append.js';
import type { Ctx } from '../core/context.js';
import { budgetOf, type JobDefinition, type StepResult } from '../jobs/job.js';
import type { OversightPolicy } from './policy.js';
import { combinedWrites, planRaises, type FlagCandidate } from './raise.js';
import { findCandidates } from './scan.js';

export interface ScanState {
  policy: OversightPolicy;
  /** `find`: run the rules; `raise`: raise the candidates waiting in job_items. */
  phase: 'find' | 'raise';
  candidates: number;
  /** Candidates dealt with (raised, or nothing to raise); the counts are the steps' own, so a retried step may undercount. */
  handled: number;
  raised: number;
  byRule: Record<string, number>;
}

export interface ScanOutput {
  raised: number;
  candidates: number;
  byRule: Record<string, number>;
}

/** Flags per batch: large enough that a scan is a few batches, small enough for D1's limits. */
const BATCH_FLAGS = 200;
/**
 * Statements planning one batch may read (latest flags per rule and 90 keys, the audit head,
 * supervisors, supervisor chains per 90 subjects, decision panels): kept free before planning.
 */
const PLAN_READS = 40;
/** A chunk of waiting candidates: JSON of at most this many UTF-8 bytes, well under D1's 1 MB per value. */
const ITEM_BYTES = 800_000;

const utf8 = new TextEncoder();

export const scanJob: JobDefinition<ScanState, ScanOutput> = {
  kind: 'flag-scan',
  minStatements: PLAN_READS + 60,
  async step(ctx, start, { id }) {
    let s = start;
    if (s.phase === 'find') {
      const found = await findCandidates(ctx, s.policy);
      const r = await raiseSome(ctx, { ...s, phase: 'raise', candidates: found.length }, id, found, null);
      s = r.state;
      if (r.waiting) return notDone(s);
    }
    for (;;) {
      if (budgetOf(ctx) < PLAN_READS + 20) return notDone(s);
      const [item] = await ctx.db.select().from(jobItems).where(eq(jobItems.jobId, id)).orderBy(asc(jobItems.seq)).limit(1);
      if (!item) return { done: true, output: { raised: s.raised, candidates: s.candidates, byRule: s.byRule }, progress: { done: s.candidates, total: s.candidates } };
      const r = await raiseSome(ctx, s, id, JSON.parse(item.body) as FlagCandidate[], item.seq);
      s = r.state;
      if (r.waiting) return notDone(s);
    }
  },
  // What a failed scan raised stays (each batch is committed with its entries); what waits goes.
  async abandon(ctx, _s, _reason, { id }) {
    await ctx.db.delete(jobItems).where(eq(jobItems.jobId, id));
  },
};

const notDone = (s: ScanState): StepResult<ScanState, ScanOutput> => ({ done: false, state: s, progress: { done: s.handled, total: s.candidates } });

/**
 * Raises `pending` in batches while the invocation allows, keeping back what it takes to put the
 * rest aside: as new job_items chunks (`seq` null, the candidates the rules just found) or by
 * rewriting chunk `seq`. `waiting` is how many are left for a later step.
 */
async function raiseSome(ctx: Ctx, start: ScanState, jobId: string, pending: FlagCandidate[], seq: number | null) {
  const s = { ...start, byRule: { ...start.byRule } };
  const sizes = seq === null ? pending.map((c) => utf8.encode(JSON.stringify(c)).length) : [];
  const keepBack = (from: number) => (seq === null ? packs(sizes, from).length : 1);
  let i = 0;
  while (i < pending.length && budgetOf(ctx) - keepBack(i) >= PLAN_READS + 10) {
    const chunk = pending.slice(i, i + BATCH_FLAGS);
    for (let attempt = 0; ; attempt++) {
      const plans = await planRaises(ctx, chunk);
      // As many of the planned flags as the invocation still allows, in order.
      const left = budgetOf(ctx) - keepBack(i + chunk.length);
      let k = plans.length;
      let writes = combinedWrites(ctx, plans);
      while (k > 0 && writes.length + k > left) {
        k = Math.max(0, Math.min(k - 1, Math.floor((k * left) / (writes.length + k))));
        writes = combinedWrites(ctx, plans.slice(0, k));
      }
      // Candidates before the first flag left out are dealt with (raised, or nothing to raise).
      const dealt = k < plans.length ? chunk.indexOf(plans[k]!.candidate) : chunk.length;
      if (dealt === 0) return { state: s, waiting: await putAside(ctx, jobId, pending, i, seq, sizes) };
      try {
        if (k > 0) await commit(ctx, writes, plans.slice(0, k).flatMap((p) => p.events));
      } catch (err) {
        // A concurrent scan or complaint may win a race on a condition (the unique index on
        // unclosed flags, or a guarded reopen, then fails this batch whole): plan these again.
        if (attempt < 2 && isConstraintViolation(err)) continue;
        throw err;
      }
      s.raised += k;
      s.handled += dealt;
      for (const p of plans.slice(0, k)) s.byRule[p.candidate.rule] = (s.byRule[p.candidate.rule] ?? 0) + 1;
      i += dealt;
      break;
    }
  }
  return { state: s, waiting: await putAside(ctx, jobId, pending, i, seq, sizes) };
}

/** Puts `pending[from..]` aside for a later step; returns how many that is. */
async function putAside(ctx: Ctx, jobId: string, pending: FlagCandidate[], from: number, seq: number | null, sizes: number[]) {
  const rest = pending.slice(from);
  if (seq !== null) {
    const where = and(eq(jobItems.jobId, jobId), eq(jobItems.seq, seq));
    if (rest.length) await ctx.db.update(jobItems).set({ body: JSON.stringify(rest) }).where(where);
    else await ctx.db.delete(jobItems).where(where);
    return rest.length;
  }
  if (!rest.length) return 0;
  const rows = packs(sizes, from).map(([a, b], n) => ({ jobId, seq: n, body: JSON.stringify(pending.slice(a, b)) }));
  await ctx.db.batch(rows.map((r) => ctx.db.insert(jobItems).values(r)) as [never, ...never[]]);
  return rest.length;
}

/** Consecutive ranges [a, b) of `sizes[from..]` of at most ITEM_BYTES of JSON each (with brackets and commas). */
function packs(sizes: number[], from: number): [number, number][] {
  const out: [number, number][] = [];
  let a = from;
  let bytes = 2;
  for (let i = from; i < sizes.length; i++) {
    if (i > a && bytes + sizes[i]! + 1 > ITEM_BYTES) {
      out.push([a, i]);
      a = i;
      bytes = 2;
    }
    bytes += sizes[i]! + 1;
  }
  if (a < sizes.length) out.push([a, sizes.length]);
  return out;
}
