/**
 * Security as a table, for linked users (DESIGN 1, issue 12): every /api/v1 route of the OpenAPI
 * document x every role x (unlinked, linked to the case's subject, linked to someone else),
 * asserting the exact status. A user linked to an officer record IS that officer for every rule
 * about oneself, whatever the role: the same request that a colleague may make is refused
 * (403 `own_case`) when it is about the caller.
 *
 * Every request is about the subject officer O-SUBJ (their result, adjustment, appeal, responses,
 * flag, decision...). Routes that write get fresh fixtures for each caller, so callers never see
 * each other's writes. A route not in `table` fails the first test until it is classified:
 *
 *   'POST /api/v1/things/{id}/decision': { request: async (w) => ({ path: `/api/v1/things/${await w.freshThing()}/decision`, body: {...} }),
 *                                          expect: only(['hr'], 200, { own: 403 }) },
 *
 * `only(roles, ok, { own })`: `ok` for those roles, 403 for the others, and `own` for a caller of
 * those roles linked to O-SUBJ. Add exceptions by caller: `{ ...only(...), 'officer@other': 403 }`.
 * (Admin and intake users cannot be linked to an officer record, nor an officer user unlinked:
 * createUser refuses both, checked at the end; those combinations are not in the table.)
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { flags, taxpayers, type Role } from '../../db/schema.js';
import { makeTestApp } from '../support/app.js';
import { seedGrading, type OfficerSpec } from '../support/grading.js';
import { shiftPeriod } from '../../src/core/period.js';
import { defaultPolicy } from '../../scoring/policy.js';

const SUBJ = 'O-SUBJ';
const OTHER = 'O-OTHER';

const callers = ['admin', 'intake', 'hr', 'hr@subject', 'hr@other', 'supervisor', 'supervisor@subject', 'supervisor@other', 'officer@subject', 'officer@other'] as const;
type Caller = (typeof callers)[number];
type Expect = Record<Caller, number>;
const roleOf = (c: Caller) => c.split('@')[0] as Role;

/** `ok` for the given roles (and `own` for those of them linked to the subject), 403 for every other role. */
function only(roles: Role[] | 'all', ok: number, opts: { own?: number } = {}): Expect {
  return Object.fromEntries(
    callers.map((c) => [c, roles !== 'all' && !roles.includes(roleOf(c)) ? 403 : c.endsWith('@subject') && opts.own !== undefined ? opts.own : ok]),
  ) as Expect;
}

interface Req {
  path: string;
  body?: unknown;
  /** A CSV body (text/csv) instead of JSON. */
  csv?: string;
}
interface Line {
  request: (w: World) => Req | Promise<Req>;
  expect: Expect;
}

// ---------------------------------------------------------------------------------------------
// The world: officers of one unit graded in 2026Q3, a published and a computed run, and a case
// about O-SUBJ of every kind.

// Far enough after the seeded 2026Q3 that every fixture's published run has a started quarter of its own (2015Q1 on).
const t = await makeTestApp({ now: '2046-10-15T08:00:00.000Z' });
const spec = (code: string, i: number): OfficerSpec => ({
  code,
  unitCode: 'U-L',
  workload: { key_taxpayer: 3 + i * 2, general_taxpayer: 10 + i },
  assessments: [{ category: 'tax_law', raw: 60 + i * 5, max: 100, takenOn: '2026-08-01' }],
  feedback: [[5, 4, 4, 5]],
});
await seedGrading(t.db, { period: '2026Q3', units: [{ code: 'U-L', name: 'Linked unit', peerGroup: 'urban' }], officers: [SUBJ, OTHER, 'O-A', 'O-B', 'O-C', 'O-D'].map(spec) });
await t.db.insert(taxpayers).values({ code: 'TP-L', name: 'Linked taxpayer', category: 'general' });

const tokens: Record<Caller, string> = {
  admin: t.adminToken,
  intake: await t.userToken('intake', { username: 'lu-intake' }),
  hr: await t.userToken('hr', { username: 'lu-hr' }),
  'hr@subject': await t.userToken('hr', { username: 'lu-hr-subject', officerCode: SUBJ }),
  'hr@other': await t.userToken('hr', { username: 'lu-hr-other', officerCode: OTHER }),
  supervisor: await t.userToken('supervisor', { username: 'lu-sup' }),
  'supervisor@subject': await t.userToken('supervisor', { username: 'lu-sup-subject', officerCode: SUBJ }),
  'supervisor@other': await t.userToken('supervisor', { username: 'lu-sup-other', officerCode: OTHER }),
  'officer@subject': await t.userToken('officer', { username: 'lu-officer-subject', officerCode: SUBJ }),
  'officer@other': await t.userToken('officer', { username: 'lu-officer-other', officerCode: OTHER }),
};
// The HR users who compute, propose and publish the fixtures (none of them is a caller).
const maker = await t.userToken('hr', { username: 'lu-maker' });
const checker = await t.userToken('hr', { username: 'lu-checker' });
// The supervisor who starts the review of the fixtures' flags (not a caller either).
const reviewer = await t.userToken('supervisor', { username: 'lu-reviewer' });

async function ok<T = Record<string, unknown>>(method: string, path: string, token: string, json?: unknown): Promise<T> {
  const res = await t.call(method, path, { token, json });
  if (res.status >= 300) throw new Error(`fixture ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

let n = 0;
const next = () => ++n;
/** Quarters of their own, from 2015Q1 on (by 2046 every one has started and ended); years take four at once. */
let quarters = 0;
const nextQuarter = () => shiftPeriod('2015Q1', quarters++);
function nextYear() {
  quarters = Math.ceil(quarters / 4) * 4;
  const year = Number(nextQuarter().slice(0, 4));
  quarters += 3;
  return year;
}
let targets = 0;

/** A computed run of 2026Q3 by the maker. */
const computedRun = async () => (await ok<{ id: string }>('POST', '/api/v1/grading-runs', maker, { period: '2026Q3' })).id;
/** A run of a quarter of its own (one published run per quarter), computed by the maker and published by the checker. */
async function publishedRun(period = nextQuarter()) {
  const id = (await ok<{ id: string }>('POST', '/api/v1/grading-runs', maker, { period })).id;
  await ok('POST', `/api/v1/grading-runs/${id}/publish`, checker);
  return id;
}
/** A year of its own whose four quarters have published runs: what an annual review grades. */
async function gradedYear() {
  const year = nextYear();
  for (let q = 1; q <= 4; q++) await publishedRun(`${year}Q${q}`);
  return year;
}
/** An annual review of `year` computed by the maker (and published by the checker). */
const computedReview = async (year: number) => (await ok<{ id: string }>('POST', '/api/v1/annual-reviews', maker, { year })).id;
async function publishedReview(year: number) {
  const id = await computedReview(year);
  await ok('POST', `/api/v1/annual-reviews/${id}/publish`, checker);
  return id;
}
/**
 * Kept while a caller leaves it as it was (a refused caller changes nothing), made anew once a
 * caller used it up: so each caller gets an unused one without a year or a quarter per caller.
 */
function reusable(make: () => Promise<string>, usedUp: (id: string) => Promise<boolean>) {
  let current: string | null = null;
  return async () => {
    if (current === null || (await usedUp(current))) current = await make();
    return current;
  };
}
/** An ended quarter of its own with a decision by O-SUBJ in it, as deferrals recorded then. */
async function quarterWithDecision() {
  const period = nextQuarter();
  const decidedAt = `${period.slice(0, 4)}-${String(Number(period.slice(5)) * 3 - 1).padStart(2, '0')}-10`;
  await ok('POST', '/api/v1/decisions', tokens['officer@subject'], { type: 'deferral', taxpayerCode: 'TP-L', justification: 'fixture', decidedAt });
  return period;
}
async function subjectTier(runId: string) {
  const r = await ok<{ tier: number }>('GET', `/api/v1/grading-runs/${runId}/results/${SUBJ}`, maker);
  return r.tier;
}

const world = {
  publishedRun: await publishedRun(),
  computedRun: await computedRun(),
  decision: (await ok<{ id: string }>('POST', '/api/v1/decisions', tokens['officer@subject'], { type: 'deferral', taxpayerCode: 'TP-L', justification: 'fixture', decidedAt: '2026-10-01' })).id,
  flag: '',
  sample: (await ok<{ sampleId: string }>('POST', '/api/v1/return-visits', maker, { period: '2026Q3', perOfficer: 1, seed: 'linked' })).sampleId,
  userId: (await ok<{ id: string }>('POST', '/api/v1/users', t.adminToken, { username: 'lu-fixture', role: 'intake' })).id,
  /** A pending adjustment of O-SUBJ's tier, proposed by the maker. */
  async pendingAdjustment() {
    const run = await computedRun();
    const tier = await subjectTier(run);
    return (await ok<{ id: string }>('POST', `/api/v1/grading-runs/${run}/adjustments`, maker, { officerCode: SUBJ, toTier: tier === 1 ? 2 : 1, reason: 'fixture' })).id;
  },
  /** A pending appeal by O-SUBJ against a run the maker computed and the checker published. */
  async pendingAppeal() {
    const run = await publishedRun();
    return (await ok<{ id: string }>('POST', `/api/v1/grading-runs/${run}/appeals`, tokens['officer@subject'], { reason: 'fixture' })).id;
  },
  /** An open, unassigned flag about O-SUBJ. */
  async openFlag() {
    const id = `flg_linked_${next()}`;
    const at = t.clock.now().toISOString();
    await t.db.insert(flags).values({ id, rule: 'late_amendment', subjectCode: SUBJ, conditionKey: id, evidence: { officerCode: SUBJ }, severity: 'medium', status: 'open', raisedAt: at, updatedAt: at });
    return id;
  },
  /** An accepted response about O-SUBJ. */
  async response() {
    const i = next();
    await t.db.run(sql`insert into invitations (id, token_hash, officer_code, taxpayer_code, interaction_ref, created_by, created_at, expires_at, used_at)
      values (${`inv_l${i}`}, ${`h_l${i}`}, ${SUBJ}, 'TP-L', ${`ref_l${i}`}, 'u', '2026-10-01T00:00:00.000Z', '2026-10-30T00:00:00.000Z', '2026-10-02T00:00:00.000Z')`);
    await t.db.run(sql`insert into feedback_responses (id, invitation_id, officer_code, period, submitted_at, professionalism, attitude, efficiency, integrity, mean)
      values (${`fbr_l${i}`}, ${`inv_l${i}`}, ${SUBJ}, '2026Q4', '2026-10-02T00:00:00.000Z', 3, 3, 3, 3, 3)`);
    return `fbr_l${i}`;
  },
  /** A policy proposal by the maker waiting for a decision. */
  async proposal() {
    return (await ok<{ hash: string }>('POST', '/api/v1/policies', maker, { document: { ...defaultPolicy, version: `linked-${next()}` }, effectiveFrom: '2047Q1', reason: 'fixture' })).hash;
  },
  async taxpayer() {
    const code = `TP-E${next()}`;
    await t.db.insert(taxpayers).values({ code, name: 'To be erased', category: 'individual' });
    return code;
  },
  /** A fresh intake user to act on (deactivate, change the role of). */
  async freshUser() {
    // A counter of its own: `next()` also numbers the quarters of published runs.
    return (await ok<{ id: string }>('POST', '/api/v1/users', t.adminToken, { username: `lu-target-${++targets}`, role: 'intake' })).id;
  },
  /** A fresh user the admin has deactivated. */
  async disabledUser() {
    const id = await world.freshUser();
    await ok('POST', `/api/v1/users/${id}/deactivate`, t.adminToken, { reason: 'fixture' });
    return id;
  },
  async victimToken() {
    const u = await ok<{ tokenId: string }>('POST', '/api/v1/users', t.adminToken, { username: `lu-victim-${next()}`, role: 'intake' });
    return u.tokenId;
  },
  /** A year graded by a published annual review (computed by the maker, published by the checker). */
  annualYear: 0,
  annualReview: '',
  /** A computed annual review of a year without a published one, until a caller publishes it. */
  publishableReview: reusable(
    async () => computedReview(await gradedYear()),
    async (id) => (await ok<{ status: string }>('GET', `/api/v1/annual-reviews/${id}`, maker)).status !== 'computed',
  ),
  /** O-SUBJ's pending appeal against their annual result, until a caller decides it. */
  pendingAnnualAppeal: reusable(
    async () => (await ok<{ id: string }>('POST', `/api/v1/annual-reviews/${await publishedReview(await gradedYear())}/appeals`, tokens['officer@subject'], { reason: 'fixture' })).id,
    async (id) => (await ok<{ items: { id: string; status: string }[] }>('GET', '/api/v1/annual-appeals?status=pending', maker)).items.every((a) => a.id !== id),
  ),
  /** A decision by O-SUBJ under collective review; its panel is O-OTHER (the unit's one other officer with a user). */
  async panelDecision() {
    const d = await ok<{ id: string }>('POST', '/api/v1/decisions', tokens['officer@subject'], { type: 'assessed_turnover', taxpayerCode: 'TP-L', amount: 120000, justification: 'fixture', decidedAt: '2026-10-02' });
    return d.id;
  },
  /** A flag about O-SUBJ whose review started, so O-SUBJ was told and may answer. */
  async noticedFlag() {
    const id = await world.openFlag();
    await ok('POST', `/api/v1/flags/${id}/transition`, reviewer, { to: 'in_review', reason: 'fixture' });
    return id;
  },
  spotCheck: '',
  /**
   * An unrecorded spot-check item: a decision by O-SUBJ in a spot check the maker drew. Its drawn
   * reviewer is cleared (as when the one drawn left the role), so any eligible supervisor records it.
   */
  spotCheckItem: reusable(
    async () => {
      const drawn = await ok<{ id: string; items: { decisionId: string }[] }>('POST', '/api/v1/spot-checks', maker, { period: await quarterWithDecision() });
      const item = drawn.items[0];
      if (!item) throw new Error('fixture: the spot check drew no decision');
      await t.db.run(sql`update spot_check_items set reviewer_user_id = null where spot_check_id = ${drawn.id} and decision_id = ${item.decisionId}`);
      return `${drawn.id}/items/${item.decisionId}`;
    },
    async (key) => {
      const [id, , decisionId] = key.split('/');
      const check = await ok<{ items: { decisionId: string; outcome: string | null }[] }>('GET', `/api/v1/spot-checks/${id}`, maker);
      return check.items.some((i) => i.decisionId === decisionId && i.outcome !== null);
    },
  ),
  /**
   * A complaint about O-SUBJ entered by the maker. Its flag's drawn reviewer is cleared (as when
   * the one drawn left the role), so any eligible supervisor works it.
   */
  async complaint() {
    const c = await ok<{ id: string }>('POST', '/api/v1/complaints', maker, { channel: 'letter', category: 'other', officerCode: SUBJ, text: `fixture complaint ${next()}`, receivedAt: '2046-10-01' });
    await t.db.run(sql`update flags set reviewer_user_id = null where id = (select flag_id from complaints where id = ${c.id})`);
    return c.id;
  },
  job: '',
};
world.flag = await world.openFlag();
{
  // A job as the Worker tracks one (on Node a job runs in one go and leaves no row): a run computed in an invocation.
  const { startRun } = await import('../../src/grading/compute-run.js');
  const [hr] = await t.db.all<{ id: string }>(sql`select id from users where username = 'lu-maker'`);
  const actor = { kind: 'user' as const, userId: hr!.id, username: 'lu-maker', role: 'hr' as const, officerCode: null, tokenId: 'fixture' };
  const run = await startRun({ ctx: { ...t.ctx(actor), invocation: { statementsLeft: () => 1_000_000, continueJob: async () => {} } }, input: { period: '2026Q3', whatIf: true } });
  const [job] = await t.db.all<{ id: string }>(sql`select id from jobs where key = ${run.id}`);
  if (!job) throw new Error('fixture: the run left no job');
  world.job = job.id;
}
world.annualYear = await gradedYear();
world.annualReview = await publishedReview(world.annualYear);
world.spotCheck = (await world.spotCheckItem()).split('/')[0]!;
await ok('POST', '/api/v1/public/2046Q2', maker);
type World = typeof world;

// ---------------------------------------------------------------------------------------------
// One line per route. Keys are `METHOD /path` exactly as in the OpenAPI document.

const table: Record<string, Line> = {
  'POST /api/v1/users': { request: () => ({ path: '/api/v1/users', body: { username: `lu-new-${next()}`, role: 'intake' } }), expect: only(['admin'], 201) },
  'POST /api/v1/users/{id}/tokens': { request: (w) => ({ path: `/api/v1/users/${w.userId}/tokens`, body: {} }), expect: only(['admin'], 201) },
  // Anyone may revoke a token of their own; another user's only an admin.
  'POST /api/v1/tokens/{id}/revoke': { request: async (w) => ({ path: `/api/v1/tokens/${await w.victimToken()}/revoke` }), expect: only(['admin'], 200) },
  'GET /api/v1/users': { request: () => ({ path: '/api/v1/users?q=lu-&status=active' }), expect: only(['admin'], 200) },
  'POST /api/v1/users/{id}/deactivate': { request: async (w) => ({ path: `/api/v1/users/${await w.freshUser()}/deactivate`, body: { reason: 'matrix' } }), expect: only(['admin'], 200) },
  'POST /api/v1/users/{id}/reactivate': { request: async (w) => ({ path: `/api/v1/users/${await w.disabledUser()}/reactivate`, body: { reason: 'matrix' } }), expect: only(['admin'], 200) },
  'POST /api/v1/users/{id}/role': { request: async (w) => ({ path: `/api/v1/users/${await w.freshUser()}/role`, body: { role: 'hr', reason: 'matrix' } }), expect: only(['admin'], 200) },
  'GET /api/v1/me': { request: () => ({ path: '/api/v1/me' }), expect: only('all', 200) },
  // O-SUBJ's workload: their own pay's inputs.
  'POST /api/v1/import': { request: () => ({ path: '/api/v1/import', body: { workload: [{ officerCode: SUBJ, period: '2026Q2', kind: 'key_taxpayer', count: 3 }] } }), expect: only(['hr'], 200, { own: 403 }) },
  'GET /api/v1/units': { request: () => ({ path: '/api/v1/units' }), expect: only(['hr', 'supervisor', 'admin'], 200) },
  'GET /api/v1/officers': { request: () => ({ path: '/api/v1/officers' }), expect: only(['hr', 'supervisor', 'admin'], 200) },
  'GET /api/v1/taxpayers': { request: () => ({ path: '/api/v1/taxpayers' }), expect: only(['hr', 'supervisor', 'admin'], 200) },
  'GET /api/v1/periods': { request: () => ({ path: '/api/v1/periods' }), expect: only(['hr', 'supervisor', 'admin'], 200) },
  'POST /api/v1/taxpayers/{code}/erasure': { request: async (w) => ({ path: `/api/v1/taxpayers/${await w.taxpayer()}/erasure`, body: { reason: 'written request' } }), expect: only(['hr'], 200) },
  'POST /api/v1/grading-runs': { request: () => ({ path: '/api/v1/grading-runs', body: { period: '2026Q3', whatIf: true } }), expect: only(['hr'], 201) },
  'GET /api/v1/grading-runs': { request: () => ({ path: '/api/v1/grading-runs' }), expect: only(['hr', 'officer'], 200) },
  'GET /api/v1/grading-runs/compare': { request: (w) => ({ path: `/api/v1/grading-runs/compare?a=${w.computedRun}&b=${w.computedRun}` }), expect: only(['hr'], 200) },
  'GET /api/v1/grading-runs/{id}': { request: (w) => ({ path: `/api/v1/grading-runs/${w.publishedRun}` }), expect: only(['hr', 'officer'], 200) },
  'GET /api/v1/grading-runs/{id}/results': { request: (w) => ({ path: `/api/v1/grading-runs/${w.publishedRun}/results` }), expect: only(['hr'], 200) },
  // One's own result is one's to read; another officer's is not.
  'GET /api/v1/grading-runs/{id}/results/{officerCode}': { request: (w) => ({ path: `/api/v1/grading-runs/${w.publishedRun}/results/${SUBJ}` }), expect: { ...only(['hr', 'officer'], 200), 'officer@other': 404 } },
  // Maker-checker: none of the callers computed it, so every HR caller may publish.
  'POST /api/v1/grading-runs/{id}/publish': { request: async () => ({ path: `/api/v1/grading-runs/${(await ok<{ id: string }>('POST', '/api/v1/grading-runs', maker, { period: nextQuarter() })).id}/publish` }), expect: only(['hr'], 200) },
  'GET /api/v1/grading-runs/{id}/export.csv': { request: (w) => ({ path: `/api/v1/grading-runs/${w.publishedRun}/export.csv` }), expect: only(['hr'], 200) },
  // A run grades everyone, as publishing it: setting it aside is nobody's own case.
  'POST /api/v1/grading-runs/{id}/discard': { request: async () => ({ path: `/api/v1/grading-runs/${await computedRun()}/discard`, body: { reason: 'wrong import' } }), expect: only(['hr'], 200) },
  // Payroll's list of the whole run, as the export.
  'GET /api/v1/grading-runs/{id}/corrections.csv': { request: (w) => ({ path: `/api/v1/grading-runs/${w.publishedRun}/corrections.csv?since=2046-01-01` }), expect: only(['hr'], 200) },
  'GET /api/v1/grading-runs/{id}/provisional.csv': { request: (w) => ({ path: `/api/v1/grading-runs/${w.computedRun}/provisional.csv` }), expect: only(['hr'], 200) },
  'POST /api/v1/grading-runs/{id}/adjustments': {
    request: async () => {
      const run = await computedRun();
      return { path: `/api/v1/grading-runs/${run}/adjustments`, body: { officerCode: SUBJ, toTier: (await subjectTier(run)) === 1 ? 2 : 1, reason: 'proposed' } };
    },
    expect: only(['hr'], 201, { own: 403 }),
  },
  'GET /api/v1/grading-runs/{id}/adjustments': { request: (w) => ({ path: `/api/v1/grading-runs/${w.computedRun}/adjustments` }), expect: only(['hr'], 200) },
  'POST /api/v1/adjustments/{id}/decision': { request: async (w) => ({ path: `/api/v1/adjustments/${await w.pendingAdjustment()}/decision`, body: { decision: 'approve', reason: 'agreed' } }), expect: only(['hr'], 200, { own: 403 }) },
  // Each officer appeals their own result (O-OTHER is graded too).
  'POST /api/v1/grading-runs/{id}/appeals': { request: async () => ({ path: `/api/v1/grading-runs/${await publishedRun()}/appeals`, body: { reason: 'my workload' } }), expect: only(['officer'], 201) },
  'POST /api/v1/appeals/{id}/decision': { request: async (w) => ({ path: `/api/v1/appeals/${await w.pendingAppeal()}/decision`, body: { outcome: 'dismissed', reason: 'checked' } }), expect: only(['hr'], 200, { own: 403 }) },
  'GET /api/v1/appeals': { request: () => ({ path: '/api/v1/appeals' }), expect: only(['hr', 'officer'], 200) },
  'GET /api/v1/me/grades': { request: () => ({ path: '/api/v1/me/grades' }), expect: only(['officer', 'supervisor'], 200) },
  // A policy grades everyone, the approver included: deciding it is not one's own case.
  'POST /api/v1/policies': { request: () => ({ path: '/api/v1/policies', body: { document: { ...defaultPolicy, version: `linked-new-${next()}` }, effectiveFrom: '2047Q1', reason: 'budget' } }), expect: only(['hr'], 201) },
  'POST /api/v1/policies/{hash}/decision': { request: async (w) => ({ path: `/api/v1/policies/${await w.proposal()}/decision`, body: { decision: 'reject', reason: 'not now' } }), expect: only(['hr'], 200) },
  // Annual reviews follow the quarterly runs: the review grades everyone (computing and publishing
  // it is nobody's own case, but never the computing user's to publish); one's own result is one's
  // to read, another's is not (refused before the review is even looked up, so 403 tells nothing).
  'POST /api/v1/annual-reviews': { request: (w) => ({ path: '/api/v1/annual-reviews', body: { year: w.annualYear } }), expect: only(['hr'], 201) },
  'GET /api/v1/annual-reviews': { request: () => ({ path: '/api/v1/annual-reviews' }), expect: only(['hr', 'officer'], 200) },
  'GET /api/v1/annual-reviews/{id}': { request: (w) => ({ path: `/api/v1/annual-reviews/${w.annualReview}` }), expect: only(['hr', 'officer'], 200) },
  'GET /api/v1/annual-reviews/{id}/results': { request: (w) => ({ path: `/api/v1/annual-reviews/${w.annualReview}/results` }), expect: only(['hr'], 200) },
  'GET /api/v1/annual-reviews/{id}/results/{officerCode}': { request: (w) => ({ path: `/api/v1/annual-reviews/${w.annualReview}/results/${SUBJ}` }), expect: { ...only(['hr', 'officer'], 200), 'officer@other': 403 } },
  'POST /api/v1/annual-reviews/{id}/publish': { request: async (w) => ({ path: `/api/v1/annual-reviews/${await w.publishableReview()}/publish` }), expect: only(['hr'], 200) },
  'GET /api/v1/annual-reviews/{id}/export.csv': { request: (w) => ({ path: `/api/v1/annual-reviews/${w.annualReview}/export.csv` }), expect: only(['hr'], 200) },
  // Each officer appeals their own annual result (O-OTHER is graded too), once.
  'POST /api/v1/annual-reviews/{id}/appeals': { request: (w) => ({ path: `/api/v1/annual-reviews/${w.annualReview}/appeals`, body: { reason: 'my year' } }), expect: only(['officer'], 201) },
  'POST /api/v1/annual-appeals/{id}/decision': { request: async (w) => ({ path: `/api/v1/annual-appeals/${await w.pendingAnnualAppeal()}/decision`, body: { outcome: 'dismissed', reason: 'checked' } }), expect: only(['hr'], 200, { own: 403 }) },
  'GET /api/v1/annual-appeals': { request: () => ({ path: '/api/v1/annual-appeals' }), expect: only(['hr', 'officer'], 200) },
  'GET /api/v1/me/annual-results': { request: () => ({ path: '/api/v1/me/annual-results' }), expect: only(['officer', 'supervisor'], 200) },
  'GET /api/v1/policies': { request: () => ({ path: '/api/v1/policies' }), expect: only(['hr', 'supervisor', 'officer'], 200) },
  // Nobody chooses who rates them.
  'POST /api/v1/invitations': { request: () => ({ path: '/api/v1/invitations', body: { officerCode: SUBJ, taxpayerCode: 'TP-L', interactionRef: `lu-ref-${next()}` } }), expect: only(['intake', 'hr'], 201, { own: 403 }) },
  'POST /api/v1/return-visits': { request: () => ({ path: '/api/v1/return-visits', body: { period: '2026Q3', perOfficer: 1, seed: `lu-${next()}` } }), expect: only(['hr'], 201) },
  'GET /api/v1/return-visits/{id}': { request: (w) => ({ path: `/api/v1/return-visits/${w.sample}` }), expect: only(['hr', 'supervisor'], 200) },
  'GET /api/v1/feedback/summary': { request: () => ({ path: `/api/v1/feedback/summary?officerCode=${SUBJ}&period=2026Q3` }), expect: { ...only(['officer', 'supervisor', 'hr'], 200), 'officer@other': 403 } },
  'GET /api/v1/feedback/responses': { request: () => ({ path: `/api/v1/feedback/responses?officerCode=${SUBJ}` }), expect: only(['hr', 'supervisor'], 200, { own: 403 }) },
  'POST /api/v1/feedback/responses/{id}/void': { request: async (w) => ({ path: `/api/v1/feedback/responses/${await w.response()}/void`, body: { reason: 'duplicate submission' } }), expect: only(['supervisor'], 200, { own: 403 }) },
  // The decider is the caller: an officer, or an HR user who is an officer.
  'POST /api/v1/decisions': {
    request: () => ({ path: '/api/v1/decisions', body: { type: 'deferral', taxpayerCode: 'TP-L', justification: 'hardship', decidedAt: '2026-10-02' } }),
    expect: { ...only(['officer', 'hr'], 201), hr: 403 },
  },
  'GET /api/v1/decisions': { request: () => ({ path: '/api/v1/decisions' }), expect: only(['hr', 'supervisor', 'officer'], 200) },
  // Another officer's decision (off their panel) or result is answered as a missing one: a 403 would say it exists.
  'GET /api/v1/decisions/{id}': { request: (w) => ({ path: `/api/v1/decisions/${w.decision}` }), expect: { ...only(['hr', 'supervisor', 'officer'], 200), 'officer@other': 404 } },
  // Only the panel votes (O-OTHER here); never the decider, whatever their role; a supervisor with no seat is refused.
  'POST /api/v1/decisions/{id}/votes': {
    request: async (w) => ({ path: `/api/v1/decisions/${await w.panelDecision()}/votes`, body: { vote: 'approve', reason: 'checked the file' } }),
    expect: { ...only(['officer', 'supervisor'], 201, { own: 403 }), supervisor: 403 },
  },
  'POST /api/v1/flags/scan': { request: () => ({ path: '/api/v1/flags/scan' }), expect: only(['supervisor', 'hr'], 200) },
  'GET /api/v1/flags': { request: () => ({ path: '/api/v1/flags' }), expect: only(['supervisor', 'hr'], 200) },
  'GET /api/v1/flags/{id}': { request: (w) => ({ path: `/api/v1/flags/${w.flag}` }), expect: only(['supervisor', 'hr'], 200, { own: 403 }) },
  // Supervisors review; HR reads the queue but never moves a flag.
  'POST /api/v1/flags/{id}/transition': { request: async (w) => ({ path: `/api/v1/flags/${await w.openFlag()}/transition`, body: { to: 'in_review', reason: 'opening the files' } }), expect: { ...only(['supervisor', 'hr'], 200, { own: 403 }), hr: 403, 'hr@other': 403 } },
  // The other way round: only the flag's own subject answers it; anyone else is told nothing (404).
  'POST /api/v1/flags/{id}/answer': {
    request: async (w) => ({ path: `/api/v1/flags/${await w.noticedFlag()}/answer`, body: { text: 'the figures were right' } }),
    expect: { ...only(['officer', 'supervisor'], 404), 'officer@subject': 201, 'supervisor@subject': 201 },
  },
  // The draw is the service's: nobody chooses what is checked, so drawing is nobody's own case.
  'POST /api/v1/spot-checks': { request: () => ({ path: '/api/v1/spot-checks', body: { period: nextQuarter() } }), expect: only(['hr', 'supervisor'], 201) },
  'GET /api/v1/spot-checks': { request: () => ({ path: '/api/v1/spot-checks' }), expect: only(['hr', 'supervisor'], 200) },
  // The items of the reader's own decisions are left out (test/spot-checks): the read itself is 200.
  'GET /api/v1/spot-checks/{id}': { request: (w) => ({ path: `/api/v1/spot-checks/${w.spotCheck}` }), expect: only(['hr', 'supervisor'], 200) },
  // Nobody checks their own decision.
  'POST /api/v1/spot-checks/{id}/items/{decisionId}': {
    request: async (w) => ({ path: `/api/v1/spot-checks/${await w.spotCheckItem()}`, body: { outcome: 'compliant', note: 'file complete' } }),
    expect: only(['supervisor'], 201, { own: 403 }),
  },
  'GET /api/v1/public/{period}': { request: () => ({ path: '/api/v1/public/2046Q2' }), expect: only('all', 200) },
  'POST /api/v1/public/{period}': { request: () => ({ path: '/api/v1/public/2046Q2' }), expect: only(['hr'], 201) },
  // Nobody enters, works or reads a complaint about themselves; the lists leave those out.
  'POST /api/v1/complaints': {
    request: () => ({ path: '/api/v1/complaints', body: { channel: 'letter', category: 'other', officerCode: SUBJ, text: `rude at the counter ${next()}`, receivedAt: '2046-10-01' } }),
    expect: only(['intake', 'hr', 'supervisor'], 201, { own: 403 }),
  },
  'GET /api/v1/complaints': { request: () => ({ path: '/api/v1/complaints' }), expect: only(['hr', 'supervisor'], 200) },
  'POST /api/v1/complaints/import': {
    request: () => ({ path: '/api/v1/complaints/import', csv: `ticket,receivedAt,category,text,officerCode\r\nLU-${next()},2046-10-01,other,rude on the phone,${SUBJ}\r\n` }),
    expect: only(['intake', 'hr'], 201, { own: 403 }),
  },
  // Counts only: no text, officer or taxpayer.
  'GET /api/v1/complaints/summary': { request: () => ({ path: '/api/v1/complaints/summary?period=2046Q4' }), expect: only(['hr', 'supervisor'], 200) },
  'GET /api/v1/complaints/summary.csv': { request: () => ({ path: '/api/v1/complaints/summary.csv?period=2046Q4' }), expect: only(['hr', 'supervisor'], 200) },
  'GET /api/v1/complaints/{id}': { request: async (w) => ({ path: `/api/v1/complaints/${await w.complaint()}` }), expect: only(['hr', 'supervisor'], 200, { own: 403 }) },
  'POST /api/v1/complaints/{id}/transition': { request: async (w) => ({ path: `/api/v1/complaints/${await w.complaint()}/transition`, body: { to: 'in_review' } }), expect: only(['supervisor'], 200, { own: 403 }) },
  // Progress counts of a job (a run's here), never records.
  'GET /api/v1/jobs/{id}': { request: (w) => ({ path: `/api/v1/jobs/${w.job}` }), expect: only(['hr', 'supervisor', 'admin'], 200) },
  'GET /api/v1/audit/key': { request: () => ({ path: '/api/v1/audit/key' }), expect: only('all', 200) },
  'GET /api/v1/audit/checkpoint': { request: () => ({ path: '/api/v1/audit/checkpoint' }), expect: only('all', 200) },
  // A linked supervisor reads the log, with the entries about themselves withheld (see below).
  'GET /api/v1/audit/entries': { request: () => ({ path: '/api/v1/audit/entries?from=0&to=50' }), expect: only(['admin', 'supervisor'], 200) },
  'GET /api/v1/audit/proofs/inclusion': { request: () => ({ path: '/api/v1/audit/proofs/inclusion?index=0' }), expect: only('all', 200) },
  'GET /api/v1/audit/proofs/consistency': { request: () => ({ path: '/api/v1/audit/proofs/consistency?from=1&to=2' }), expect: only('all', 200) },
  'GET /api/v1/audit/verify': { request: () => ({ path: '/api/v1/audit/verify' }), expect: only(['admin'], 200) },
  'GET /api/v1/audit/receipts/verify': { request: () => ({ path: `/api/v1/audit/receipts/verify?index=0&hash=${'0'.repeat(64)}` }), expect: only('all', 200) },
  'POST /api/v1/audit/commitments/verify': { request: () => ({ path: '/api/v1/audit/commitments/verify', body: { index: 0, record: { x: 1 }, nonce: 'n' } }), expect: only('all', 200) },
};

// ---------------------------------------------------------------------------------------------

const doc = (await (await t.call('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
const routes = Object.entries(doc.paths)
  .filter(([path]) => path.startsWith('/api/v1/'))
  .flatMap(([path, ops]) => Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${path}`));

describe('the linked-users table covers the API', () => {
  it('has a line for every /api/v1 route in the OpenAPI document, and none for a route that is gone', () => {
    expect(routes.filter((k) => !(k in table))).toEqual([]);
    expect(Object.keys(table).filter((k) => !routes.includes(k))).toEqual([]);
  });
});

describe.each(routes.filter((k) => k in table))('%s', (key) => {
  const line = table[key]!;
  const method = key.split(' ')[0]!;
  it.each([...callers])('as %s', async (caller) => {
    const req = await line.request(world);
    const res = req.csv !== undefined
      ? await t.call(method, req.path, { token: tokens[caller], body: req.csv, headers: { 'content-type': 'text/csv' } })
      : await t.call(method, req.path, { token: tokens[caller], json: method === 'GET' ? undefined : (req.body ?? {}) });
    const text = await res.text();
    expect(res.status, `${caller} ${key}: ${text.slice(0, 300)}`).toBe(line.expect[caller]);
    // Refused where a colleague of the same role is not: the refusal says it is about oneself.
    const colleague = caller.replace('@subject', '@other') as Caller;
    if (caller !== colleague && res.status === 403 && line.expect[colleague] !== 403) expect(JSON.parse(text).code, `${caller} ${key}`).toBe('own_case');
  });
});

describe('linked users: what the table leaves out', () => {
  it('admin and intake users are never linked, and an officer user always is', async () => {
    for (const role of ['admin', 'intake'] as const) {
      const res = await t.call('POST', '/api/v1/users', { token: t.adminToken, json: { username: `lu-link-${role}`, role, officerCode: SUBJ } });
      expect(res.status).toBe(400);
    }
    expect((await t.call('POST', '/api/v1/users', { token: t.adminToken, json: { username: 'lu-unlinked-officer', role: 'officer' } })).status).toBe(400);
  });

  it('a linked supervisor reads the log with the entries about themselves withheld; a colleague reads them whole', async () => {
    type Entry = { seq: number; payload: Record<string, unknown> | null; leaf: string | null; withheld?: string };
    // The latest 1000 entries (the cases below are among them).
    let from = 0;
    const read = async (token: string) => ((await (await t.call('GET', `/api/v1/audit/entries?from=${from}&to=${from + 1000}`, { token })).json()) as { entries: Entry[] }).entries;
    const about = (code: string) => (e: Entry) => [e.payload?.subjectCode, e.payload?.officerCode, e.payload?.subjectOfficerCode].includes(code);
    // Cases about O-SUBJ of several kinds, made here.
    await world.pendingAdjustment();
    await world.pendingAppeal();
    await ok('POST', `/api/v1/feedback/responses/${await world.response()}/void`, tokens.supervisor, { reason: 'duplicate submission' });
    const [{ size }] = await t.db.all<{ size: number }>(sql`select count(*) as size from audit_entries`);
    from = Math.max(0, size - 1000);
    const all = await read(t.adminToken); // an admin is never linked: the whole log
    expect(all.filter((e) => e.withheld)).toEqual([]);
    const own = await read(tokens['supervisor@subject']);
    const colleague = await read(tokens['supervisor@other']);
    expect(own.length).toBe(all.length);
    // Withheld: exactly the entries about the reader (their flags, responses voided, adjustments, appeals).
    expect(own.filter((e) => e.withheld === 'own_case').map((e) => e.seq)).toEqual(all.filter(about(SUBJ)).map((e) => e.seq));
    expect(all.filter(about(SUBJ)).map((e) => (e as Entry & { action: string }).action)).toEqual(expect.arrayContaining(['adjustment.propose', 'appeal.file', 'feedback.void']));
    for (const e of own.filter((x) => x.withheld)) expect([e.payload, e.leaf]).toEqual([null, null]);
    // The colleague reads every entry about O-SUBJ whole (and has their own withheld).
    expect(colleague.filter((e) => e.withheld).map((e) => e.seq)).toEqual(all.filter(about(OTHER)).map((e) => e.seq));
    expect(colleague.filter(about(SUBJ)).length).toBe(all.filter(about(SUBJ)).length);
  });

  it('a linked supervisor is never drawn to review a flag about themselves', async () => {
    const { drawReviewer } = await import('../../src/flags/raise.js');
    const ids = Object.fromEntries(
      (await t.db.all<{ id: string; username: string }>(sql`select id, username from users where username in ('lu-sup', 'lu-sup-subject', 'lu-sup-other')`)).map((u) => [u.username, u.id]),
    );
    for (let i = 0; i < 5; i++) {
      const draw = await drawReviewer(t.ctx(), `flg_draw_${i}`, SUBJ, {});
      expect(draw.candidates).not.toContain(ids['lu-sup-subject']);
      expect(draw.candidates).toEqual(expect.arrayContaining([ids['lu-sup'], ids['lu-sup-other']]));
      expect(draw.picked).not.toBe(ids['lu-sup-subject']);
    }
    const aboutOther = await drawReviewer(t.ctx(), 'flg_draw_other', OTHER, {});
    expect(aboutOther.candidates).toContain(ids['lu-sup-subject']);
    expect(aboutOther.candidates).not.toContain(ids['lu-sup-other']);
  });
});
