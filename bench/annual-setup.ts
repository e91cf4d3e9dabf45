/**
 * Setup of the annual-review scenario (untimed, in the bench parent): the four quarterly runs of
 * one calendar year, computed and published through the verbs, so that the timed child grades
 * the year from four published runs of the province (10,000 officers each). The year is the one
 * before the data's "today" (its Q4 is in the generated window; earlier quarters have no workload
 * or responses, which changes the figures, not the work: 10,000 results per run either way).
 */
import { sql } from 'drizzle-orm';
import type { Ctx } from '../src/core/context.js';
import { findVerb } from './features.js';

export const annualYear = (today: string) => Number(today.slice(0, 4)) - 1;

type Verb = (args: { ctx: Ctx; input: unknown }) => Promise<{ id: string }>;

/** Publishes a run of each quarter of the year (one already published is reused). False when the verbs are not built. */
export async function publishYear(maker: Ctx, checker: Ctx, today: string, log: (m: string) => void): Promise<boolean> {
  const startRun = await findVerb<Verb>('grading', 'startRun');
  const publishRun = await findVerb<Verb>('grading', 'publishRun');
  if (!startRun || !publishRun) return false;
  const year = annualYear(today);
  for (let q = 1; q <= 4; q++) {
    const period = `${year}Q${q}`;
    const [done] = await maker.db.all<{ id: string }>(sql`select id from grading_runs where period = ${period} and status = 'published'`);
    if (done) continue;
    const run = await startRun.fn({ ctx: maker, input: { period } });
    await publishRun.fn({ ctx: checker, input: { id: run.id } });
    log(`annual setup: ${period} computed and published (${run.id})`);
  }
  return true;
}
