/**
 * Discarding a run (DESIGN 3, periods): an unpublished run that was a mistake (a wrong period, a
 * bad import, a superseded what-if) is set aside: kept with its results, marked `discarded`,
 * audited, hidden from the console's default list, and never published or changed again.
 */
import { eq, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { gradingRuns } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { conflict } from '../core/errors.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { commitGuarded, guarded } from '../audit/guarded.js';
import { findRun, runView } from './run-model.js';
import { freeText } from '../core/text.js';

export const discardRunInput = z.object({ reason: freeText(z.string().trim().min(1).max(2000)).optional() }).openapi('DiscardGradingRun');

/** HR discards a computed run (409 once published or already discarded). */
export async function discardRun({ ctx, input: given }: { ctx: Ctx; input: { id: string } & Unchecked<z.input<typeof discardRunInput>> }) {
  requireRole(ctx.actor, 'hr');
  const input = { id: given.id, ...parseInput(discardRunInput, { reason: given.reason }) };
  const run = await findRun(ctx, input.id);
  if (run.status === 'published') throw conflict(`Run ${run.id} is published and frozen; a published run is never discarded.`, 'run_published');
  if (run.status === 'discarded') throw conflict(`Run ${run.id} was already discarded.`, 'run_discarded');
  const at = ctx.clock.now().toISOString();
  const reason = input.reason ?? null;
  const stillComputed = sql`(select status from grading_runs where id = ${run.id}) = 'computed'`;
  await commitGuarded(
    ctx,
    [ctx.db.update(gradingRuns).set({ status: guarded('discarded', stillComputed) as never, discardedBy: ctx.actor.userId, discardedAt: at, discardReason: reason }).where(eq(gradingRuns.id, run.id))],
    [{ action: 'grading_run.discard', entity: 'grading_run', entityId: run.id, payload: { period: run.period, whatIf: run.whatIf, provisional: run.provisional, reason } }],
    'run_changed',
    `Run ${run.id} was published or discarded meanwhile.`,
  );
  return runView({ ...run, status: 'discarded', discardedBy: ctx.actor.userId, discardedAt: at, discardReason: reason });
}
