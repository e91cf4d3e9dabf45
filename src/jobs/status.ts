/** Reading jobs: one job's progress (the consoles poll it), and the latest job on a key (a run). */
import { desc, eq } from 'drizzle-orm';
import { jobs } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { notFound } from '../core/errors.js';
import { createSelectSchema, int } from '../core/rows.js';

export type JobRow = typeof jobs.$inferSelect;

/** A job as answered: its row, `output` included (small: counts, never records). */
export const jobSchema = createSelectSchema(jobs, { done: int, total: int, steps: int }).openapi('Job');

/** One job (hr, supervisor, admin: the roles that start jobs and watch them). */
export async function getJob({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<JobRow> {
  requireRole(ctx.actor, 'hr', 'supervisor', 'admin');
  const [job] = await ctx.db.select().from(jobs).where(eq(jobs.id, input.id));
  if (!job) throw notFound(`No job ${input.id}.`);
  return job;
}

/** The newest job on `key` (a run id), if any: for a record's own view of its progress. */
export async function latestJobOn(ctx: Pick<Ctx, 'db'>, key: string): Promise<JobRow | null> {
  const [job] = await ctx.db.select().from(jobs).where(eq(jobs.key, key)).orderBy(desc(jobs.createdAt), desc(jobs.id)).limit(1);
  return job ?? null;
}
