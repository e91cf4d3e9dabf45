/** Small named reads the supervisor console needs beside the verbs. Pages hold no SQL. */
import { eq } from 'drizzle-orm';
import { flags, units } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';

/** Every unit's code and name, for the queue's unit filter. */
export function unitOptions(ctx: Ctx): Promise<{ code: string; name: string }[]> {
  return ctx.db.select({ code: units.code, name: units.name }).from(units).orderBy(units.code);
}

/** A flag's stored row (the reviewer checks of mayReview read it), or undefined. */
export async function flagRow(ctx: Ctx, id: string): Promise<typeof flags.$inferSelect | undefined> {
  const [row] = await ctx.db.select().from(flags).where(eq(flags.id, id));
  return row;
}
