/**
 * Check-and-write inside one batch, for every verb (grading's approvals and publishes, the flag
 * workflow's transitions and reopens). A verb reads, checks and then commits; between the read
 * and the batch another request may have changed the row (two approvers at once, a publish racing
 * an approval). SQLite runs one write transaction at a time, so a condition evaluated inside the
 * batch is authoritative: `guarded(value, condition)` is `value` when the condition holds and
 * NULL otherwise, and written into a NOT NULL column it makes the whole batch fail, audit
 * entries included. `commitGuarded` turns that failure into a 409.
 */
import { sql, type SQL } from 'drizzle-orm';
import { isConstraintViolation } from '../../db/errors.js';
import type { Ctx } from '../core/context.js';
import { conflict } from '../core/errors.js';
import { commit, type AuditEvent, type Write } from './append.js';

export function guarded(value: string | number, condition: SQL): SQL {
  return sql`(select ${value} where ${condition})`;
}

/** `commit()`, with a failed guard reported as 409 `code` instead of a 500. */
export async function commitGuarded(ctx: Pick<Ctx, 'db' | 'actor' | 'clock'>, writes: Write[], events: AuditEvent[], code: string, detail: string) {
  try {
    return await commit(ctx, writes, events);
  } catch (e) {
    if (isConstraintViolation(e)) throw conflict(detail, code);
    throw e;
  }
}
