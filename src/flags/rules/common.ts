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
 * the latest record of a chain counts. A non-correlated NOT IN: SQLite builds the (small) set of
 * amended ids once, where a NOT EXISTS would probe the amends index for every decision.
 */
export const effective = (alias: string) =>
  sql.raw(`${alias}.id not in (select sup.amends from decisions sup where sup.amends is not null)`);

export const inWindow = (alias: string, rc: RuleContext, column = 'decided_at') =>
  sql`${sql.raw(`${alias}.${column}`)} >= ${rc.window.from} and ${sql.raw(`${alias}.${column}`)} < ${rc.toExclusive}`;

export const inList = (values: readonly string[]) =>
  values.length ? sql`(${sql.join(values.map((v) => sql`${v}`), sql`, `)})` : sql`(select null where 0)`;

export const windowEvidence = (rc: RuleContext) => ({ from: rc.window.from, to: rc.window.to });

export function sevOf(rc: RuleContext, rule: keyof OversightPolicy['rules']) {
  return rc.policy.rules[rule].severity;
}

export type { SQL };

/**
 * For the rows of `inner` (which must have `id` and `decided_at` columns), per group of the
 * `by` columns: how many rows there are and the newest ids, at most maxEvidenceDecisions. One
 * query with window functions (SQLite 3.25+, D1 too), so a rule never reads per officer.
 */
export async function newestIdsBy(rc: RuleContext, inner: SQL, by: string[], extra: string[] = []) {
  const cols = by.join(', ');
  const rows = await rc.ctx.db.all<Record<string, unknown> & { id: string; n: number }>(sql`
    select ${sql.raw([...by, ...extra, 'id', 'n'].join(', '))} from (
      select *, count(*) over (partition by ${sql.raw(cols)}) as n,
             row_number() over (partition by ${sql.raw(cols)} order by decided_at desc, id desc) as rn
        from (${inner}))
     where rn <= ${rc.policy.maxEvidenceDecisions}
     order by ${sql.raw(cols)}, rn`);
  const groups = new Map<string, { key: Record<string, unknown>; n: number; ids: string[]; rows: Record<string, unknown>[] }>();
  for (const r of rows) {
    const k = by.map((b) => String(r[b])).join('\u0000');
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { key: Object.fromEntries(by.map((b) => [b, r[b]])), n: Number(r.n), ids: [], rows: [] }));
    g.ids.push(r.id);
    g.rows.push(r);
  }
  return [...groups.values()];
}

/** Officers per statement for the rules that read a year of decisions with their panels ({@link deciderRanges}). */
const DECIDERS_PER_QUERY = 5000;

/**
 * Conditions on `alias`.decider_code that cut the deciders into ranges of DECIDERS_PER_QUERY
 * officers by code; together they hold every decision that has a decider. A rule that reads a
 * whole year of decisions with their panels and votes runs one statement per range, through the
 * (decider_code, decided_at) index: at a province's size (10,000 officers, 1,000,000 decisions)
 * the whole year in one statement took 12-19 s on local D1, against D1's 30 s per query, and
 * grows with the officers; two ranges of 5,000 take about 7 s each (about a quarter longer in
 * all). A bureau of up to 5,000 officers is one range.
 */
export async function deciderRanges(rc: RuleContext, alias: string): Promise<SQL[]> {
  const starts = await rc.ctx.db.all<{ code: string }>(sql`
    select code from (select code, row_number() over (order by code) as n from officers)
     where n > 1 and (n - 1) % ${DECIDERS_PER_QUERY} = 0 order by code`);
  const col = sql.raw(`${alias}.decider_code`);
  const cuts = starts.map((s) => s.code);
  if (!cuts.length) return [sql`${col} is not null`];
  return [sql`${col} < ${cuts[0]}`, ...cuts.map((lo, i) => (i + 1 < cuts.length ? sql`${col} >= ${lo} and ${col} < ${cuts[i + 1]}` : sql`${col} >= ${lo}`))];
}

/** {@link newestIdsBy} over each range of deciders in turn ({@link deciderRanges}); `inner` takes the range's condition on alias d. */
export async function newestIdsByDecider(rc: RuleContext, inner: (deciders: SQL) => SQL, by: string[], extra: string[] = []) {
  const out: Awaited<ReturnType<typeof newestIdsBy>> = [];
  for (const deciders of await deciderRanges(rc, 'd')) out.push(...(await newestIdsBy(rc, inner(deciders), by, extra)));
  return out;
}

/** Chunks of tuples for `rowIn` with `columns` values each, within D1's 100 bound parameters. */
export const rowChunks = <T>(xs: readonly T[], columns: number) => chunks(xs, Math.floor(LIST_PARAMS / columns));

/** `(a, b) in (values (?, ?), ...)` for row values (SQLite 3.15+, D1 too); chunk with `rowChunks`. */
export const rowIn = (columns: string[], tuples: readonly unknown[][]) =>
  sql`(${sql.raw(columns.join(', '))}) in (values ${sql.join(tuples.map((t) => sql`(${sql.join(t.map((v) => sql`${v}`), sql`, `)})`), sql`, `)})`;

/**
 * Values a chunked query binds for its list: D1 refuses statements with more than 100 bound
 * parameters, and the rest of the query binds a few of its own (window dates, decision types).
 */
const LIST_PARAMS = 90;

export function chunks<T>(xs: readonly T[], size = LIST_PARAMS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/** The newest decisions (capped) of each officer among those matching `filter` (on alias d), a chunk of officers per query. */
export async function newestIdsOfOfficers(rc: RuleContext, officers: readonly string[], filter: SQL): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const chunk of chunks(officers)) {
    const rows = await rc.ctx.db.all<{ officer: string; id: string }>(sql`
      select officer, id from (
        select d.decider_code as officer, d.id as id,
               row_number() over (partition by d.decider_code order by d.decided_at desc, d.id desc) as rn
          from decisions d
         where d.decider_code in ${inList(chunk)} and ${filter} and ${inWindow('d', rc)} and ${effective('d')})
       where rn <= ${rc.policy.maxEvidenceDecisions}
       order by officer, rn`);
    for (const r of rows) out.set(r.officer, [...(out.get(r.officer) ?? []), r.id]);
  }
  return out;
}

/**
 * A rule context over a flag's recorded window (its evidence's `window`), for reading the figures
 * behind a flag again with the rule's own queries; today is the window's last day.
 */
export function windowContext(ctx: Ctx, policy: OversightPolicy, window: { from: string; to: string }): RuleContext {
  return { ctx, policy, today: window.to, window: { from: window.from, to: window.to }, toExclusive: addDays(window.to, 1) };
}
