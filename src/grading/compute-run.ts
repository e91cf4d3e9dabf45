/**
 * Grading runs: compute (or what-if), read, publish, export. A run stores the exact policy
 * document (by hash), a digest of its inputs and one result row per officer with the engine's
 * full breakdown. Published runs are frozen: every later change is a 409.
 */
import { and, asc, desc, eq, gt, sql, type SQL } from 'drizzle-orm';
import { gradingResults, gradingRuns, officers, policies, units, users } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';
import { badRequest, conflict, forbidden, notFound } from '../core/errors.js';
import { newId, sha256Hex } from '../core/ids.js';
import { parsePeriod, periodPattern } from '../core/period.js';
import { decodeCursor, encodeCursor, zodErrors } from '../core/http.js';
import { commit, type Write } from '../audit/append.js';
import { canonicalJson } from '../audit/canonical.js';
import { requireRole } from '../auth/tokens.js';
import { defaultPolicy, policySchema, type Policy } from '../../scoring/policy.js';
import { activeRange, explainBasis, gradeOfficers, type OfficerResult, type ResultFigures } from '../../scoring/index.js';
import { inputDigest, loadEngineInput } from './inputs.js';
import { insertMany } from '../../db/insert-many.js';
import { expandDetail, packDetail, storedRun } from './detail.js';
import { figuresText } from './digest.js';
import { commitGuarded, guarded } from './guard.js';

export type RunRow = typeof gradingRuns.$inferSelect;
export type ResultRow = typeof gradingResults.$inferSelect;

/**
 * A result's detail as read (`resultDetail`): the engine's result exactly as computed (its tier,
 * coefficient and payout stay the engine's even after an adjustment), with its explanation, and
 * the approved adjustment. Stored compactly (detail.ts) and expanded on read.
 */
export interface ResultDetail extends OfficerResult {
  adjustment?: { adjustmentId: string; decisionId: string; fromTier: number; toTier: number; coefficient: number; payout: number; reason: string };
}

export interface StartRunInput {
  period: string;
  policy?: unknown;
  whatIf?: boolean;
}

/** Payout in yuan for a tier's coefficient, rounded to the fen as payroll pays it. */
export function payoutFor(policy: Policy, coefficient: number): number {
  return Math.round(policy.baseAllowance * coefficient * 100) / 100;
}

/** Validates a policy document; a bad one is a 400 naming each field as `policy.<path>`. */
export function parsePolicy(doc: unknown): Policy {
  const parsed = policySchema.safeParse(doc);
  if (!parsed.success) {
    const errors = zodErrors(parsed.error.issues).map((e) => ({ path: e.path === '(body)' ? 'policy' : `policy.${e.path}`, message: e.message }));
    throw badRequest('The policy document is not valid.', errors);
  }
  return parsed.data;
}

export function parseRunPeriod(code: unknown) {
  const range = typeof code === 'string' && periodPattern.test(code) ? parsePeriod(code) : null;
  if (!range) throw badRequest('The period must be a quarter like 2026Q3.', [{ path: 'period', message: 'expected YYYYQn' }]);
  return range;
}

/**
 * HR computes a run for a period: aggregates the inputs per officer in SQL, grades them with the
 * pure engine and stores policy, run, results and one audit entry (plus one for a policy
 * document seen for the first time) in one batch. The audit payload commits to every result
 * through `resultsDigest` = SHA-256 of the canonical JSON of each result's figures
 * (`resultFigures`) sorted by officer code, instead of one leaf per officer (ADR 0003).
 */
export async function startRun({ ctx, input }: { ctx: Ctx; input: StartRunInput }) {
  requireRole(ctx.actor, 'hr');
  const period = parseRunPeriod(input.period);
  const policy = input.policy === undefined ? defaultPolicy : parsePolicy(input.policy);
  const whatIf = input.whatIf === true;
  const now = ctx.clock.now();
  const id = newId('run', now);
  const c = await computeResults(ctx, id, period, policy);

  const [known] = await ctx.db.select({ hash: policies.hash }).from(policies).where(eq(policies.hash, c.policyHash));
  const writes: Write[] = [];
  const events = [];
  if (!known) {
    writes.push(ctx.db.insert(policies).values({ hash: c.policyHash, version: policy.version, document: c.policyDoc, createdAt: now.toISOString() }).onConflictDoNothing());
    events.push({ action: 'policy.store', entity: 'policy', entityId: c.policyHash, payload: { version: policy.version, document: policy } });
  }
  writes.push(
    ctx.db.insert(gradingRuns).values({ id, period: period.code, policyHash: c.policyHash, inputDigest: c.inputDigest, status: 'computed', whatIf, createdBy: ctx.actor.userId, createdAt: now.toISOString() }),
  );
  writes.push(...c.inserts);
  events.push({ action: whatIf ? 'grading_run.what_if' : 'grading_run.compute', entity: 'grading_run', entityId: id, payload: { ...c.payload, whatIf } });
  await commit(ctx, writes, events);
  return { id, status: 'computed' as const, inputDigest: c.inputDigest, whatIf, policyHash: c.policyHash, resultsDigest: c.resultsDigest };
}

/**
 * Aggregates, grades and prepares the result INSERTs of one run (as many rows per statement as
 * the driver's bound-parameter limit allows: 7 rows of 14 columns on D1), plus the audit payload
 * that commits to them. The engine runs without its explanation text: the rows store the
 * compact breakdown (detail.ts) and reads render the text from it.
 */
async function computeResults(ctx: Ctx, runId: string, period: ReturnType<typeof parseRunPeriod>, policy: Policy) {
  const engineInput = await loadEngineInput(ctx.db, period, policy);
  const digest = await inputDigest(engineInput);
  const output = gradeOfficers(policy, engineInput, { explain: false });
  const policyDoc = canonicalJson(policy);
  const policyHash = await sha256Hex(policyDoc);

  const dates = new Map(engineInput.officers.map((o) => [o.code, o]));
  const ctxExplain = { policy, period, window: output.assessmentWindow, prior: output.prior, graded: output.graded, caps: output.caps };
  const runBasis = explainBasis(ctxExplain, { hireDate: period.start, leaveDate: null });
  const run = storedRun(runBasis, output.assessmentWindow, output.prior, policy.feedback.priorWeight);
  const sorted = [...output.results].sort((a, b) => (a.officerCode < b.officerCode ? -1 : a.officerCode > b.officerCode ? 1 : 0));
  const rows = sorted.map((r) => {
    const { from, to } = activeRange(dates.get(r.officerCode)!, period);
    const caps = r.placement && r.placement.cappedAt.length > 0 ? explainBasis(ctxExplain, dates.get(r.officerCode)!, r.placement.cappedAt).caps : [];
    return {
      runId,
      officerCode: r.officerCode,
      status: r.status,
      composite: r.composite,
      workload: r.components?.workload ?? null,
      assessment: r.components?.assessment ?? null,
      feedback: r.components?.feedback ?? null,
      tenure: r.components?.tenure ?? null,
      penalty: r.status === 'graded' ? r.penalty : null,
      rank: r.rank,
      tier: r.tier,
      coefficient: r.coefficient,
      payout: r.payout,
      detail: packDetail(r, { activeFrom: from, activeTo: to, caps }, run),
    };
  });
  const resultsDigest = await sha256Hex(figuresText(sorted.map(resultFigures)));
  const graded = sorted.filter((r) => r.status === 'graded').length;
  const tierCounts: Record<string, number> = {};
  for (const r of sorted) if (r.tier !== null) tierCounts[String(r.tier)] = (tierCounts[String(r.tier)] ?? 0) + 1;
  const inserts: Write[] = insertMany(ctx.db, gradingResults, rows);
  return {
    inputDigest: digest,
    policyHash,
    policyDoc,
    resultsDigest,
    inserts,
    payload: {
      period: period.code,
      policyHash,
      policyVersion: policy.version,
      inputDigest: digest,
      resultsDigest,
      counts: { officers: sorted.length, graded, notGraded: sorted.length - graded },
      tierCounts,
      prior: output.prior,
      caps: output.caps,
    },
  };
}

/**
 * HR recomputes a computed run in place with its own policy against the inputs as they are now
 * (e.g. after a corrected import). Refused (409) once published, and once any adjustment was
 * proposed, since recomputing would silently drop a four-eyes decision; start a new run instead.
 */
export async function recomputeRun({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requireRole(ctx.actor, 'hr');
  const run = await findRun(ctx, input.id);
  assertMutable(run, 'recomputing it');
  const [adjusted] = await ctx.db.all<{ n: number }>(sql`select count(*) as n from adjustments where run_id = ${run.id}`);
  if (adjusted!.n > 0) throw conflict(`Run ${run.id} has adjustments; start a new run instead of recomputing this one.`, 'run_adjusted');
  const policy = await runPolicy(ctx, run);
  const c = await computeResults(ctx, run.id, parseRunPeriod(run.period), policy);
  const untouched = sql`(select status from grading_runs where id = ${run.id}) = 'computed'
    and not exists (select 1 from adjustments where run_id = ${run.id})`;
  await commitGuarded(
    ctx,
    [
      ctx.db.update(gradingRuns).set({ status: guarded('computed', untouched) as never, inputDigest: c.inputDigest }).where(eq(gradingRuns.id, run.id)),
      ctx.db.delete(gradingResults).where(eq(gradingResults.runId, run.id)),
      ...c.inserts,
    ],
    [{ action: 'grading_run.recompute', entity: 'grading_run', entityId: run.id, payload: { ...c.payload, whatIf: run.whatIf, previousInputDigest: run.inputDigest } }],
    'run_changed',
    `Run ${run.id} was published or adjusted meanwhile.`,
  );
  return { id: run.id, status: 'computed' as const, inputDigest: c.inputDigest, whatIf: run.whatIf, policyHash: run.policyHash, resultsDigest: c.resultsDigest };
}

/**
 * The figures a results digest commits to, per officer: everything that decides pay and rank,
 * without the explanation text (which is derived from them and would make the digest of a
 * 10,000-officer run hash some 25 MB).
 */
export function resultFigures(r: ResultFigures): Parameters<typeof figuresText>[0][number] {
  return [r.officerCode, r.status, r.composite, r.components, r.weights, r.penalty, r.rank, r.tier, r.coefficient, r.payout];
}

/** Reads a run, or 404. */
export async function findRun(ctx: Ctx, id: string): Promise<RunRow> {
  const [run] = await ctx.db.select().from(gradingRuns).where(eq(gradingRuns.id, id));
  if (!run) throw notFound(`No grading run ${id}.`);
  return run;
}

/**
 * HR sees every run; an officer sees only published runs (what-if runs are never published).
 * An unpublished run is invisible to officers: 404, as if it did not exist.
 */
export async function visibleRun(ctx: Ctx, id: string): Promise<RunRow> {
  requireRole(ctx.actor, 'hr', 'officer');
  const run = await findRun(ctx, id);
  if (ctx.actor.role === 'officer' && run.status !== 'published') throw notFound(`No grading run ${id}.`);
  return run;
}

export async function runPolicy(ctx: Ctx, run: RunRow): Promise<Policy> {
  const [p] = await ctx.db.select({ document: policies.document }).from(policies).where(eq(policies.hash, run.policyHash));
  return policySchema.parse(JSON.parse(p!.document));
}

export function runView(run: RunRow) {
  return {
    id: run.id,
    period: run.period,
    status: run.status,
    whatIf: run.whatIf,
    policyHash: run.policyHash,
    inputDigest: run.inputDigest,
    createdBy: run.createdBy,
    createdAt: run.createdAt,
    publishedBy: run.publishedBy,
    publishedAt: run.publishedAt,
  };
}

/** One run with its counts per status and tier (SQL aggregates). */
export async function getRun({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  const run = await visibleRun(ctx, input.id);
  const counts = await ctx.db
    .select({ status: gradingResults.status, tier: gradingResults.tier, n: sql<number>`count(*)` })
    .from(gradingResults)
    .where(eq(gradingResults.runId, run.id))
    .groupBy(gradingResults.status, gradingResults.tier);
  const tierCounts: Record<string, number> = {};
  let graded = 0;
  let notGraded = 0;
  for (const c of counts) {
    if (c.status === 'graded') graded += c.n;
    else notGraded += c.n;
    if (c.tier !== null) tierCounts[String(c.tier)] = (tierCounts[String(c.tier)] ?? 0) + c.n;
  }
  return { ...runView(run), counts: { graded, notGraded }, tierCounts };
}

/** Runs, newest first; officers see only published ones. Cursor: the last run id. */
export async function listRuns({ ctx, input }: { ctx: Ctx; input: { period?: string; limit?: number; cursor?: string } }) {
  requireRole(ctx.actor, 'hr', 'officer');
  if (input.period !== undefined && !periodPattern.test(input.period)) {
    throw badRequest('The period must be a quarter like 2026Q3.', [{ path: 'period', message: 'expected YYYYQn' }]);
  }
  const limit = input.limit ?? 100;
  const after = decodeCursor(input.cursor);
  const conds: SQL[] = [];
  if (input.period) conds.push(eq(gradingRuns.period, input.period));
  if (ctx.actor.role === 'officer') conds.push(eq(gradingRuns.status, 'published'));
  if (after) conds.push(sql`${gradingRuns.id} < ${after}`);
  const rows = await ctx.db
    .select()
    .from(gradingRuns)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(gradingRuns.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { items: page.map(runView), nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.id) : null };
}

/** The public shape of one result (API.md "Grading"); `incentive` is the payout in yuan. */
export function resultItem(row: ResultRow & { name?: string | null }, d: ResultDetail = resultDetail(row)) {
  return {
    officerCode: row.officerCode,
    name: row.name ?? d.name ?? null,
    status: row.status,
    composite: row.composite,
    components: { workload: row.workload, assessment: row.assessment, feedback: row.feedback, tenure: row.tenure },
    penalty: row.penalty,
    rank: row.rank,
    tier: row.tier,
    coefficient: row.coefficient,
    incentive: row.payout,
    incomplete: d.incomplete ?? false,
    reason: d.reason ?? null,
    adjusted: d.adjustment ? { fromTier: d.adjustment.fromTier, toTier: d.adjustment.toTier, adjustmentId: d.adjustment.adjustmentId } : null,
    explanation: d.explanation,
  };
}

/** A row's detail as the engine computed it, explanation rendered (detail.ts), plus its adjustment. */
export function resultDetail(row: ResultRow): ResultDetail {
  return expandDetail(row, row.detail) as ResultDetail;
}

/** HR lists a run's results by officer code, paginated (cursor: the last officer code). */
export async function listResults({ ctx, input }: { ctx: Ctx; input: { id: string; limit?: number; cursor?: string } }) {
  requireRole(ctx.actor, 'hr', 'officer');
  if (ctx.actor.role !== 'hr') throw forbidden('Officers read only their own result: /api/v1/grading-runs/{id}/results/{officerCode}.');
  const run = await findRun(ctx, input.id);
  const limit = input.limit ?? 100;
  const after = decodeCursor(input.cursor);
  const rows = await ctx.db
    .select()
    .from(gradingResults)
    .where(and(eq(gradingResults.runId, run.id), after ? gt(gradingResults.officerCode, after) : undefined))
    .orderBy(asc(gradingResults.officerCode))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { items: page.map((r) => resultItem(r)), nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.officerCode) : null };
}

/**
 * One officer's result. HR: any. An officer: only their own, only of a published run (403 for
 * another officer's, 404 while the run is unpublished).
 */
export async function getResult({ ctx, input }: { ctx: Ctx; input: { id: string; officerCode: string } }) {
  requireRole(ctx.actor, 'hr', 'officer');
  if (ctx.actor.role === 'officer' && ctx.actor.officerCode !== input.officerCode) {
    throw forbidden('An officer sees only their own result.');
  }
  const run = await visibleRun(ctx, input.id);
  const [row] = await ctx.db
    .select()
    .from(gradingResults)
    .where(and(eq(gradingResults.runId, run.id), eq(gradingResults.officerCode, input.officerCode)));
  if (!row) throw notFound(`Officer ${input.officerCode} has no result in run ${run.id}.`);
  const detail = resultDetail(row);
  const [unit] = await ctx.db.select({ name: units.name }).from(units).where(eq(units.code, detail.unitCode));
  return { runId: run.id, period: run.period, runStatus: run.status, publishedAt: run.publishedAt, ...resultItem(row, detail), unitName: unit?.name ?? null, detail };
}

/**
 * The caller's own results in published runs, newest first. Supervisors are graded like any
 * officer, so a supervisor linked to an officer record reads theirs here too.
 */
export async function myGrades({ ctx }: { ctx: Ctx }) {
  requireRole(ctx.actor, 'officer', 'supervisor');
  const code = ctx.actor.officerCode;
  if (!code) return { items: [] };
  const rows = await ctx.db
    .select({ result: gradingResults, period: gradingRuns.period, publishedAt: gradingRuns.publishedAt })
    .from(gradingResults)
    .innerJoin(gradingRuns, eq(gradingRuns.id, gradingResults.runId))
    .where(and(eq(gradingResults.officerCode, code), eq(gradingRuns.status, 'published')))
    .orderBy(desc(gradingRuns.period), desc(gradingRuns.id));
  return { items: rows.map((r) => ({ runId: r.result.runId, period: r.period, publishedAt: r.publishedAt, ...resultItem(r.result) })) };
}

/** Refuses any change to a published run (409), and to a what-if run where `whatIfToo`. */
export function assertMutable(run: RunRow, what: string) {
  if (run.status === 'published') throw conflict(`Run ${run.id} is published and frozen; ${what} is not possible.`, 'run_published');
}

/**
 * HR publishes a computed run: it becomes immutable and visible to officers. What-if runs are
 * never publishable; a run with pending adjustments waits until they are decided; a period has
 * at most one published run.
 */
export async function publishRun({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requireRole(ctx.actor, 'hr');
  const run = await findRun(ctx, input.id);
  assertMutable(run, 'publishing it again');
  if (run.whatIf) throw conflict(`Run ${run.id} is a what-if run and is never published.`, 'what_if_run');
  const [pending] = await ctx.db.all<{ n: number }>(sql`select count(*) as n from adjustments where run_id = ${run.id} and status = 'pending'`);
  if (pending!.n > 0) throw conflict(`Run ${run.id} has ${pending!.n} pending adjustment(s); decide them first.`, 'adjustments_pending');
  const [other] = await ctx.db
    .select({ id: gradingRuns.id })
    .from(gradingRuns)
    .where(and(eq(gradingRuns.period, run.period), eq(gradingRuns.status, 'published')));
  if (other) throw conflict(`Period ${run.period} already has a published run (${other.id}).`, 'period_published');
  const at = ctx.clock.now().toISOString();
  // The checks above, again inside the batch: a publish racing another publish or an adjustment
  // fails whole (guard.ts) instead of freezing a run that changed under it.
  const stillPublishable = sql`(select status from grading_runs where id = ${run.id}) = 'computed'
    and not exists (select 1 from adjustments where run_id = ${run.id} and status = 'pending')
    and not exists (select 1 from grading_runs where period = ${run.period} and status = 'published')`;
  await commitGuarded(
    ctx,
    [ctx.db.update(gradingRuns).set({ status: guarded('published', stillPublishable) as never, publishedBy: ctx.actor.userId, publishedAt: at }).where(eq(gradingRuns.id, run.id))],
    [{ action: 'grading_run.publish', entity: 'grading_run', entityId: run.id, payload: { period: run.period, inputDigest: run.inputDigest, policyHash: run.policyHash } }],
    'run_changed',
    `Run ${run.id} changed while it was being published (published or adjusted meanwhile); reload and try again.`,
  );
  return { ...runView({ ...run, status: 'published', publishedBy: ctx.actor.userId, publishedAt: at }) };
}

/** A CSV field: quoted when it holds a comma, quote, CR or LF (RFC 4180), quotes doubled. */
export function csvField(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const exportHeader = ['工号 Officer code', '姓名 Name', '单位 Unit', '能级 Tier', '系数 Coefficient', '绩效奖金 Payout (yuan)'];

/**
 * Payroll export of a published run: UTF-8 with BOM and CRLF so Excel opens Chinese names
 * correctly. Officers not graded are listed with empty tier, coefficient and payout.
 */
export async function exportRunCsv({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<{ filename: string; body: string }> {
  requireRole(ctx.actor, 'hr');
  const run = await findRun(ctx, input.id);
  if (run.status !== 'published') throw conflict(`Run ${run.id} is not published; payroll exports only published runs.`, 'run_not_published');
  const rows = await ctx.db
    .select({ code: gradingResults.officerCode, name: officers.name, unit: units.name, tier: gradingResults.tier, coefficient: gradingResults.coefficient, payout: gradingResults.payout })
    .from(gradingResults)
    .innerJoin(officers, eq(officers.code, gradingResults.officerCode))
    .innerJoin(units, eq(units.code, officers.unitCode))
    .where(eq(gradingResults.runId, run.id))
    .orderBy(asc(gradingResults.officerCode));
  const lines = [exportHeader.map(csvField).join(',')];
  for (const r of rows) {
    lines.push(
      [r.code, r.name, r.unit, r.tier, r.coefficient === null ? null : r.coefficient.toFixed(2), r.payout === null ? null : r.payout.toFixed(2)].map(csvField).join(','),
    );
  }
  return { filename: `grading-${run.period}-${run.id}.csv`, body: `\uFEFF${lines.join('\r\n')}\r\n` };
}

/** Usernames for user ids (pages show who did what). */
export async function usernames(ctx: Ctx, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const want = [...new Set(ids.filter((x): x is string => !!x))];
  if (!want.length) return new Map();
  const rows = await ctx.db.select({ id: users.id, username: users.username }).from(users).where(sql`${users.id} in ${want}`);
  return new Map(rows.map((r) => [r.id, r.username]));
}

const sortColumns = {
  code: gradingResults.officerCode,
  rank: gradingResults.rank,
  composite: gradingResults.composite,
  workload: gradingResults.workload,
  assessment: gradingResults.assessment,
  feedback: gradingResults.feedback,
  tenure: gradingResults.tenure,
  penalty: gradingResults.penalty,
  tier: gradingResults.tier,
  payout: gradingResults.payout,
} as const;
export type ResultSort = keyof typeof sortColumns;
export const resultSorts = Object.keys(sortColumns) as ResultSort[];

/** A page of results sorted by any column (the HR console's table), with the total count. */
export async function browseResults({ ctx, input }: { ctx: Ctx; input: { id: string; sort: ResultSort; dir: 'asc' | 'desc'; offset: number; limit: number } }) {
  requireRole(ctx.actor, 'hr');
  const run = await findRun(ctx, input.id);
  const col = sortColumns[input.sort] ?? gradingResults.officerCode;
  // Nulls (not graded) always last, whatever the direction; officer code breaks ties.
  const order = input.dir === 'desc' ? [sql`${col} is null`, desc(col), asc(gradingResults.officerCode)] : [sql`${col} is null`, asc(col), asc(gradingResults.officerCode)];
  const [rows, [total]] = await Promise.all([
    ctx.db.select().from(gradingResults).where(eq(gradingResults.runId, run.id)).orderBy(...order).limit(input.limit).offset(input.offset),
    ctx.db.select({ n: sql<number>`count(*)` }).from(gradingResults).where(eq(gradingResults.runId, run.id)),
  ]);
  return { run, rows: rows.map((r) => {
    const detail = resultDetail(r);
    return { ...resultItem(r, detail), detail };
  }), total: total!.n };
}

/** Composites of the graded officers of a run, for the histogram (one number per officer). */
export async function runComposites(ctx: Ctx, runId: string): Promise<number[]> {
  const rows = await ctx.db
    .select({ c: gradingResults.composite })
    .from(gradingResults)
    .where(and(eq(gradingResults.runId, runId), eq(gradingResults.status, 'graded')));
  return rows.map((r) => r.c!).filter((c) => c !== null);
}
