/** What every rule receives, and the SQL pieces they share. */
import { sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../core/context.js';
import type { OversightPolicy } from '../policy.js';
import type { FlagCandidate } from '../raise.js';

export interface RuleContext {
  ctx: Ctx;
  policy: OversightPolicy;
  /** Today (ctx.clock), YYYY-MM-DD. */
  today: string;
  /** The window the rules look at: [from, to] inclusive dates; `toExclusive` is the day after `to`. */
  window: { from: string; to: string };
  toExclusive: string;
}

export type Rule = (rc: RuleContext) => Promise<FlagCandidate[]>;

export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The window of `months` months ending today, both ends counted: 12 months ending 2026-10-15
 * is 2025-10-16..2026-10-15 (the 4 quarters ending today).
 */
export function ruleContext(ctx: Ctx, policy: OversightPolicy): RuleContext {
  const now = ctx.clock.now();
  const today = now.toISOString().slice(0, 10);
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - policy.windowMonths, now.getUTCDate()));
  // Month arithmetic overflows into the next month for short months (Mar 31 - 1 month), which is
  // the later, shorter window: fine for "the last N months".
  const from = addDays(start.toISOString().slice(0, 10), 1);
  return { ctx, policy, today, window: { from, to: today }, toExclusive: addDays(today, 1) };
}

/**
 * A decision `alias` that nobody amended: amendments supersede the record they amend, so only
 * the latest record of a chain counts. Works for both date and time forms of decided_at because
 * ISO strings order as text.
 */
export const effective = (alias: string) =>
  sql.raw(`not exists (select 1 from decisions sup where sup.amends = ${alias}.id)`);

export const inWindow = (alias: string, rc: RuleContext, column = 'decided_at') =>
  sql`${sql.raw(`${alias}.${column}`)} >= ${rc.window.from} and ${sql.raw(`${alias}.${column}`)} < ${rc.toExclusive}`;

export const inList = (values: readonly string[]) =>
  values.length ? sql`(${sql.join(values.map((v) => sql`${v}`), sql`, `)})` : sql`(select null where 0)`;

export const windowEvidence = (rc: RuleContext) => ({ from: rc.window.from, to: rc.window.to });

export function sevOf(rc: RuleContext, rule: keyof OversightPolicy['rules']) {
  return rc.policy.rules[rule].severity;
}

export type { SQL };
