/**
 * A complaint's words for the reviewer of its flag. The flag's evidence and the audit log hold
 * only which complaint it is (raise.ts complaintFlag); the complaint record holds the text until
 * retention erases it (then `text` is null). Read here, beside the flags that need it.
 */
import { eq } from 'drizzle-orm';
import { complaints } from '../../db/schema.js';
import { refuseOwnCase, requireRole, type Ctx } from '../core/context.js';
import { notFound } from '../core/errors.js';

/** The complaint of a flag (supervisor, hr); never about the reader: 403 `own_case`. */
export async function complaintForReview({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requireRole(ctx.actor, 'supervisor', 'hr');
  const [c] = await ctx.db
    .select({ id: complaints.id, officerCode: complaints.officerCode, text: complaints.text, createdAt: complaints.createdAt })
    .from(complaints)
    .where(eq(complaints.id, input.id));
  if (!c) throw notFound(`No complaint ${input.id}.`);
  refuseOwnCase(ctx.actor, c.officerCode, 'reading a complaint about yourself');
  return { id: c.id, officerCode: c.officerCode, createdAt: c.createdAt, text: c.text === '' ? null : c.text };
}
