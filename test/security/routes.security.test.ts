/**
 * Security as a table: every /api/v1 route of the OpenAPI document x every caller.
 *
 * The routes come from GET /openapi.json, so a new route is covered the moment it is mounted, and
 * the test fails until someone adds its line to `table` below, deciding who may call it. For each
 * route: no token -> 401 (unless public), a revoked token -> 401, each role -> 403 unless listed
 * as allowed (an allowed role may still get 400/404/409 for the dummy ids: the point is 401/403
 * versus not), never a 500 for empty or garbage input, and every error is problem+json.
 */
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { flags, officers, taxpayers, tokens as tokenRows, units } from '../../db/schema.js';
import { hashToken } from '../../src/auth/tokens.js';
import type { Role } from '../../db/schema.js';
import { makeTestApp } from '../support/app.js';

type Allowed = Role[] | 'public';
interface Line {
  allow: Allowed;
  /** A body that passes the route's schema, so the role check (not validation) decides. */
  body?: unknown;
  /** A query string that passes the route's schema. */
  query?: string;
}

const ALL: Role[] = ['admin', 'hr', 'supervisor', 'officer', 'intake'];
const SELF = 'O-SELF'; // the officer user's own record
const SUP = 'O-SUP'; // the supervisor user's officer record

// One line per route. Keys are `METHOD /path` exactly as in the OpenAPI document.
const table: Record<string, Line> = {
  'POST /api/v1/users': { allow: ['admin'], body: { username: 'matrix-made', role: 'intake' } },
  'POST /api/v1/users/{id}/tokens': { allow: ['admin'], body: {} },
  'POST /api/v1/tokens/{id}/revoke': { allow: ALL }, // anyone revokes their own token; the verb checks ownership
  'GET /api/v1/users': { allow: ['admin'] },
  'POST /api/v1/users/{id}/deactivate': { allow: ['admin'], body: { reason: 'matrix' } },
  'POST /api/v1/users/{id}/reactivate': { allow: ['admin'], body: { reason: 'matrix' } },
  'POST /api/v1/users/{id}/role': { allow: ['admin'], body: { role: 'hr', reason: 'matrix' } },
  'GET /api/v1/me': { allow: ALL },
  'POST /api/v1/import': { allow: ['hr'], body: { units: [{ code: 'U-MX', name: 'Matrix unit', peerGroup: 'urban' }] } },
  'GET /api/v1/units': { allow: ['hr', 'supervisor', 'admin'] },
  'GET /api/v1/officers': { allow: ['hr', 'supervisor', 'admin'] },
  'GET /api/v1/taxpayers': { allow: ['hr', 'supervisor', 'admin'] },
  'GET /api/v1/periods': { allow: ['hr', 'supervisor', 'admin'] },
  'POST /api/v1/taxpayers/{code}/erasure': { allow: ['hr'], body: { reason: 'matrix request' } },
  'POST /api/v1/grading-runs': { allow: ['hr'], body: { period: '2026Q3', whatIf: true } },
  'GET /api/v1/grading-runs': { allow: ['hr', 'officer'] },
  'GET /api/v1/grading-runs/compare': { allow: ['hr'], query: '?a=run-x&b=run-y' },
  'GET /api/v1/grading-runs/{id}': { allow: ['hr', 'officer'] },
  'GET /api/v1/grading-runs/{id}/results': { allow: ['hr'] },
  'GET /api/v1/grading-runs/{id}/results/{officerCode}': { allow: ['hr', 'officer'] },
  'POST /api/v1/grading-runs/{id}/publish': { allow: ['hr'] },
  'GET /api/v1/grading-runs/{id}/export.csv': { allow: ['hr'] },
  'GET /api/v1/grading-runs/{id}/provisional.csv': { allow: ['hr'] },
  'POST /api/v1/grading-runs/{id}/discard': { allow: ['hr'], body: {} },
  'GET /api/v1/grading-runs/{id}/corrections.csv': { allow: ['hr'], query: '?since=2026-10-01' },
  'POST /api/v1/grading-runs/{id}/adjustments': { allow: ['hr'], body: { officerCode: SELF, toTier: 3, reason: 'matrix' } },
  'GET /api/v1/grading-runs/{id}/adjustments': { allow: ['hr'] },
  'POST /api/v1/adjustments/{id}/decision': { allow: ['hr'], body: { decision: 'approve', reason: 'matrix' } },
  'POST /api/v1/grading-runs/{id}/appeals': { allow: ['officer'], body: { reason: 'matrix' } },
  'POST /api/v1/appeals/{id}/decision': { allow: ['hr'], body: { outcome: 'dismissed', reason: 'matrix' } },
  'GET /api/v1/appeals': { allow: ['hr', 'officer'] },
  'GET /api/v1/me/grades': { allow: ['officer', 'supervisor'] },
  'POST /api/v1/policies': { allow: ['hr'], body: { document: { version: 'matrix' }, effectiveFrom: '2027Q1', reason: 'matrix' } },
  'POST /api/v1/policies/{hash}/decision': { allow: ['hr'], body: { decision: 'approve', reason: 'matrix' } },
  'GET /api/v1/policies': { allow: ['hr', 'supervisor', 'officer'] },
  'POST /api/v1/annual-reviews': { allow: ['hr'], body: { year: 2026 } },
  'GET /api/v1/annual-reviews': { allow: ['hr', 'officer'] },
  'GET /api/v1/annual-reviews/{id}': { allow: ['hr', 'officer'] },
  'GET /api/v1/annual-reviews/{id}/results': { allow: ['hr'] },
  'GET /api/v1/annual-reviews/{id}/results/{officerCode}': { allow: ['hr', 'officer'] },
  'POST /api/v1/annual-reviews/{id}/publish': { allow: ['hr'] },
  'GET /api/v1/annual-reviews/{id}/export.csv': { allow: ['hr'] },
  'POST /api/v1/annual-reviews/{id}/appeals': { allow: ['officer'], body: { reason: 'matrix' } },
  'POST /api/v1/annual-appeals/{id}/decision': { allow: ['hr'], body: { outcome: 'dismissed', reason: 'matrix' } },
  'GET /api/v1/annual-appeals': { allow: ['hr', 'officer'] },
  'GET /api/v1/me/annual-results': { allow: ['officer', 'supervisor'] },
  'POST /api/v1/invitations': { allow: ['intake', 'hr'], body: { officerCode: SELF, taxpayerCode: 'TP-MX', interactionRef: 'matrix-1' } },
  'POST /api/v1/return-visits': { allow: ['hr'], body: { period: '2026Q3', perOfficer: 1, seed: 'matrix' } },
  'GET /api/v1/return-visits/{id}': { allow: ['hr', 'supervisor'] },
  'GET /api/v1/feedback/summary': { allow: ['officer', 'supervisor', 'hr'], query: `?officerCode=${SELF}&period=2026Q3` },
  'GET /api/v1/feedback/responses': { allow: ['hr', 'supervisor'] },
  'POST /api/v1/feedback/responses/{id}/void': { allow: ['supervisor'], body: { reason: 'matrix reason' } },
  // API.md says (officer, hr), but an hr user can never be linked to an officer record
  // (createUser refuses it) and recordDecision needs one: through this route HR always gets 403.
  // HR's own decisions are grade adjustments, written by the adjustment verb. Decided: officer.
  'POST /api/v1/decisions': { allow: ['officer'], body: { type: 'deferral', taxpayerCode: 'TP-MX', justification: 'matrix', decidedAt: '2026-10-01' } },
  'GET /api/v1/decisions': { allow: ['hr', 'supervisor', 'officer'] },
  'GET /api/v1/decisions/{id}': { allow: ['hr', 'supervisor', 'officer'] },
  // A panel member votes with their own token: an officer, or a supervisor linked to an officer record.
  'POST /api/v1/decisions/{id}/votes': { allow: ['officer', 'supervisor'], body: { vote: 'approve', reason: 'matrix' } },
  'POST /api/v1/flags/scan': { allow: ['supervisor', 'hr'] },
  'GET /api/v1/jobs/{id}': { allow: ['hr', 'supervisor', 'admin'] },
  // API.md names only the supervisor; HR reads the queue too (penalties come from confirmed flags).
  'GET /api/v1/flags': { allow: ['supervisor', 'hr'] },
  'GET /api/v1/flags/{id}': { allow: ['supervisor', 'hr'] },
  'POST /api/v1/flags/{id}/transition': { allow: ['supervisor', 'hr'], body: { to: 'in_review', reason: 'matrix' } },
  // The flag's subject answers it: an officer, or a supervisor who is the officer flagged.
  'POST /api/v1/flags/{id}/answer': { allow: ['officer', 'supervisor'], body: { text: 'matrix' } },
  // Spot checks (双随机): HR or a supervisor draws a finished quarter; the drawn supervisor records each outcome.
  'POST /api/v1/spot-checks': { allow: ['hr', 'supervisor'], body: { period: '2026Q3' } },
  'GET /api/v1/spot-checks': { allow: ['hr', 'supervisor'] },
  'GET /api/v1/spot-checks/{id}': { allow: ['hr', 'supervisor'] },
  'POST /api/v1/spot-checks/{id}/items/{decisionId}': { allow: ['supervisor'], body: { outcome: 'compliant', note: 'matrix' } },
  // The public summary (一公开) is for anyone; HR publishes a new version.
  'GET /api/v1/public/{period}': { allow: 'public' },
  'POST /api/v1/public/{period}': { allow: ['hr'] },
  'POST /api/v1/complaints': { allow: ['intake', 'hr', 'supervisor'], body: { channel: 'letter', category: 'other', text: 'matrix', receivedAt: '2026-10-01' } },
  // A text/csv body: the JSON sample is refused 415 to the allowed roles, after the role check.
  'POST /api/v1/complaints/import': { allow: ['intake', 'hr'] },
  'GET /api/v1/complaints': { allow: ['hr', 'supervisor'] },
  'GET /api/v1/complaints/summary': { allow: ['hr', 'supervisor'], query: '?period=2026Q3' },
  'GET /api/v1/complaints/summary.csv': { allow: ['hr', 'supervisor'], query: '?period=2026Q3' },
  'GET /api/v1/complaints/{id}': { allow: ['hr', 'supervisor'] },
  'POST /api/v1/complaints/{id}/transition': { allow: ['supervisor'], body: { to: 'in_review' } },
  'GET /api/v1/audit/key': { allow: 'public' },
  'GET /api/v1/audit/checkpoint': { allow: 'public' },
  'GET /api/v1/audit/entries': { allow: ['admin', 'supervisor'], query: '?from=0&to=1' },
  'GET /api/v1/audit/proofs/inclusion': { allow: 'public', query: '?index=0' },
  'GET /api/v1/audit/proofs/consistency': { allow: 'public', query: '?from=1&to=2' },
  'GET /api/v1/audit/verify': { allow: ['admin'] },
  'GET /api/v1/audit/receipts/verify': { allow: 'public', query: `?index=0&hash=${'0'.repeat(64)}` },
  'POST /api/v1/audit/commitments/verify': { allow: 'public', body: { index: 0, record: { text: 'matrix' }, nonce: 'matrix' } },
};

// ---------------------------------------------------------------------------------------------
// One app for the whole file: a token per role, plus one that was revoked.

const t = await makeTestApp();
await t.db.insert(units).values({ code: 'U-SEC', name: 'Security unit', peerGroup: 'urban' });
await t.db.insert(officers).values(
  [SELF, SUP, 'O-OTHER'].map((code) => ({ code, name: code, unitCode: 'U-SEC', team: 'service', hireDate: '2015-01-01', positionStartDate: '2018-01-01' })),
);
await t.db.insert(taxpayers).values({ code: 'TP-MX', name: 'Matrix taxpayer', category: 'general' });

const tokens: Record<Role, string> = {
  admin: t.adminToken,
  hr: await t.userToken('hr', { username: 'sec-hr' }),
  supervisor: await t.userToken('supervisor', { username: 'sec-sup', officerCode: SUP }),
  officer: await t.userToken('officer', { username: 'sec-officer', officerCode: SELF }),
  intake: await t.userToken('intake', { username: 'sec-intake' }),
};
const revoked = await t.userToken('officer', { username: 'sec-revoked', officerCode: 'O-OTHER' });
{
  const [row] = await t.db.select({ id: tokenRows.id }).from(tokenRows).where(eq(tokenRows.hash, await hashToken(revoked)));
  const res = await t.call('POST', `/api/v1/tokens/${row!.id}/revoke`, { token: t.adminToken });
  if (res.status !== 200) throw new Error(`could not revoke the test token: ${res.status}`);
}

// A token past its expiry: same answer as a revoked one.
const expired = await t.userToken('hr', { username: 'sec-expired' });
await t.db.update(tokenRows).set({ expiresAt: '2026-01-01T00:00:00.000Z' }).where(eq(tokenRows.hash, await hashToken(expired)));

const doc = (await (await t.call('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
const methods = ['get', 'post', 'put', 'patch', 'delete'];
const routes = Object.entries(doc.paths)
  .filter(([path]) => path.startsWith('/api/v1/'))
  .flatMap(([path, ops]) => Object.keys(ops).filter((m) => methods.includes(m)).map((m) => ({ key: `${m.toUpperCase()} ${path}`, method: m.toUpperCase(), path })));

/** Dummy path parameters: ids that do not exist; the officer's own code for `{officerCode}`. */
const fill = (path: string) => path.replace('{officerCode}', SELF).replace(/\{[^}]+\}/g, 'matrix-none');

async function send(method: string, url: string, token: string | undefined, body: unknown, raw?: { body: string; type?: string }) {
  if (raw) {
    const headers: Record<string, string> = raw.type ? { 'content-type': raw.type } : {};
    return t.call(method, url, { token, body: raw.body, headers });
  }
  return t.call(method, url, { token, json: method === 'GET' ? undefined : (body ?? {}) });
}

/** Every error is RFC 9457 problem+json with a status that matches the response's. */
async function expectProblemIfError(res: Response, what: string) {
  if (res.status < 400) return;
  expect(res.headers.get('content-type') ?? '', `${what}: content-type`).toMatch(/^application\/problem\+json/);
  const body = (await res.clone().json()) as Record<string, unknown>;
  expect(body, what).toMatchObject({ type: expect.any(String), title: expect.any(String), status: res.status, detail: expect.any(String) });
}

describe('the table covers the API', () => {
  it('has a line for every /api/v1 route in the OpenAPI document', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.map((r) => r.key).filter((k) => !(k in table))).toEqual([]);
  });
  it('has no line for a route that is gone', () => {
    const live = new Set(routes.map((r) => r.key));
    expect(Object.keys(table).filter((k) => !live.has(k))).toEqual([]);
  });
});

describe.each(routes.filter((r) => r.key in table))('$key', ({ key, method, path }) => {
  const line = table[key]!;
  const url = fill(path) + (line.query ?? '');
  const allowed = line.allow === 'public' ? ALL : line.allow;

  if (line.allow === 'public') {
    it('answers without a token', async () => {
      const res = await send(method, url, undefined, line.body);
      expect([401, 403]).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
      await expectProblemIfError(res, key);
    });
  } else {
    it('no token: 401', async () => {
      const res = await send(method, url, undefined, line.body);
      expect(res.status).toBe(401);
      await expectProblemIfError(res, key);
    });
  }

  it('revoked or expired token: 401', async () => {
    for (const token of [revoked, expired]) {
      const res = await send(method, url, token, line.body);
      expect(res.status).toBe(401);
      await expectProblemIfError(res, key);
    }
  });

  it.each(ALL)(`%s: ${line.allow === 'public' ? 'public' : `only ${allowed.join(', ')}`}`, async (role) => {
    const res = await send(method, url, tokens[role], line.body);
    if (allowed.includes(role)) {
      expect([401, 403], `${role} is allowed on ${key}: ${await res.clone().text()}`).not.toContain(res.status);
      expect(res.status, await res.clone().text()).toBeLessThan(500);
    } else {
      expect(res.status, `${role} must be refused on ${key}`).toBe(403);
    }
    await expectProblemIfError(res, `${role} ${key}`);
  });

  // Who may call comes before what they sent: an anonymous caller learns nothing of the schema,
  // and a refused role is told "forbidden", not how to fix its body. Same requests without the
  // sample body or query: an empty JSON object for a POST, no query string for a GET.
  if (line.allow !== 'public') {
    it('no token, empty input: 401 before any validation', async () => {
      const res = await send(method, fill(path), undefined, {});
      expect(res.status, await res.clone().text()).toBe(401);
      await expectProblemIfError(res, key);
    });
    const refused = ALL.filter((r) => !allowed.includes(r));
    if (refused.length > 0) {
      it(`refused roles (${refused.join(', ')}), empty input: 403 before any validation`, async () => {
        const got: Record<string, number> = {};
        for (const role of refused) got[role] = (await send(method, fill(path), tokens[role], {})).status;
        expect(got).toEqual(Object.fromEntries(refused.map((r) => [r, 403])));
      });
    }
  }

  if (method === 'POST') {
    const garbage: { name: string; body: string; type?: string }[] = [
      { name: 'empty JSON object', body: '{}', type: 'application/json' },
      { name: 'empty body', body: '', type: 'application/json' },
      { name: 'malformed JSON', body: '{"type": ', type: 'application/json' },
      { name: 'JSON null', body: 'null', type: 'application/json' },
      { name: 'JSON array', body: '[1,2,3]', type: 'application/json' },
      { name: 'wrong types', body: JSON.stringify({ type: 7, reason: [], period: {}, officerCode: null, to: 'x', units: 'y', amount: 'lots' }), type: 'application/json' },
      { name: 'not JSON at all', body: '\u0000\u00ff garbage \ud83d', type: 'text/plain' },
      { name: 'no content type', body: 'a=b&c' },
    ];
    it.each(garbage)('allowed roles, $name: never a 500, errors are problem+json', async (g) => {
      for (const role of allowed) {
        const res = await send(method, fill(path), tokens[role], undefined, g);
        expect(res.status, `${role} ${key} with ${g.name}: ${await res.clone().text()}`).toBeLessThan(500);
        await expectProblemIfError(res, `${role} ${key} with ${g.name}`);
      }
    });
  } else {
    it('allowed roles, garbage query: never a 500, errors are problem+json', async () => {
      const q = '?limit=-1&cursor=%25%25not-a-cursor&from=abc&to=-5&index=x&size=1e99&period=2026Q9&a=&b=&officerCode=&status=nope&hash=zz&type=%00';
      for (const role of allowed) {
        const res = await send(method, fill(path) + q, tokens[role], undefined);
        expect(res.status, `${role} ${key}: ${await res.clone().text()}`).toBeLessThan(500);
        await expectProblemIfError(res, `${role} ${key} garbage query`);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// About oneself. DESIGN 1: "nobody reviews, approves or resolves anything about themselves". A
// supervisor is also an officer under oversight; the flag queue must not show them the flags (with
// their evidence, complaints included) raised about themselves, as the feedback API already
// refuses them the responses about themselves.

describe('flags about oneself', () => {
  const ownFlag = 'flg_matrix_self';
  const otherFlag = 'flg_matrix_other';
  let done: Promise<void> | undefined;
  const seeded = () => (done ??= (async () => {
    const at = t.clock.now().toISOString();
    const row = { rule: 'complaint', evidence: { complaint: 'matrix' }, severity: 'medium' as const, status: 'open' as const, raisedAt: at, updatedAt: at };
    await t.db.insert(flags).values([
      { id: ownFlag, subjectCode: SUP, conditionKey: 'matrix-self', ...row },
      { id: otherFlag, subjectCode: 'O-OTHER', conditionKey: 'matrix-other', ...row },
    ]);
  })());

  it('a supervisor cannot open a flag about themselves', async () => {
    await seeded();
    const res = await t.call('GET', `/api/v1/flags/${ownFlag}`, { token: tokens.supervisor });
    expect([403, 404], await res.clone().text()).toContain(res.status);
    await expectProblemIfError(res, 'own flag');
    expect((await t.call('GET', `/api/v1/flags/${otherFlag}`, { token: tokens.supervisor })).status).toBe(200);
  });

  it('the queue a supervisor reads leaves out the flags about themselves', async () => {
    await seeded();
    for (const q of ['', `?officerCode=${SUP}`]) {
      const res = await t.call('GET', `/api/v1/flags${q}`, { token: tokens.supervisor });
      if (res.status === 403) continue;
      expect(res.status).toBe(200);
      const { items } = (await res.json()) as { items: { id: string; subjectCode: string }[] };
      expect(items.filter((f) => f.subjectCode === SUP).map((f) => f.id), `GET /api/v1/flags${q}`).toEqual([]);
    }
  });

  it('a supervisor cannot move a flag about themselves (already enforced)', async () => {
    await seeded();
    const res = await t.call('POST', `/api/v1/flags/${ownFlag}/transition`, { token: tokens.supervisor, json: { to: 'in_review', reason: 'mine' } });
    expect(res.status).toBe(403);
  });
});

// ---------------------------------------------------------------------------------------------
// Allowed by role, refused by ownership: an officer reaches only their own records, and only
// published grading results; nobody revokes another user's token but an admin.

describe('own records only', () => {
  // Built on first use, so it runs in test order rather than while the file is being collected.
  let built: Promise<{ published: string; unpublished: string; theirDecision: string; hrTokenId: string }> | undefined;
  const world = () => (built ??= (async () => {
    const run = await t.call('POST', '/api/v1/grading-runs', { token: tokens.hr, json: { period: '2026Q2' } });
    expect(run.status, await run.clone().text()).toBe(201);
    const published = ((await run.json()) as { id: string }).id;
    // Maker-checker: a second HR user publishes.
    const checker = await t.userToken('hr', { username: 'sec-hr-checker' });
    expect((await t.call('POST', `/api/v1/grading-runs/${published}/publish`, { token: checker })).status).toBe(200);
    const draft = await t.call('POST', '/api/v1/grading-runs', { token: tokens.hr, json: { period: '2026Q1' } });
    expect(draft.status, await draft.clone().text()).toBe(201);
    const unpublished = ((await draft.json()) as { id: string }).id;
    const other = await t.userToken('officer', { username: 'sec-other', officerCode: 'O-OTHER' });
    const decided = await t.call('POST', '/api/v1/decisions', { token: other, json: { type: 'deferral', taxpayerCode: 'TP-MX', justification: 'theirs', decidedAt: '2026-10-01' } });
    expect(decided.status, await decided.clone().text()).toBe(201);
    const theirDecision = ((await decided.json()) as { id: string }).id;
    const [hrToken] = await t.db.select({ id: tokenRows.id }).from(tokenRows).where(eq(tokenRows.hash, await hashToken(tokens.hr)));
    return { published, unpublished, theirDecision, hrTokenId: hrToken!.id };
  })());

  it("an officer reads their own published result, not another officer's, and no unpublished run", async () => {
    const w = await world();
    const own = await t.call('GET', `/api/v1/grading-runs/${w.published}/results/${SELF}`, { token: tokens.officer });
    expect(own.status, await own.clone().text()).toBe(200);
    // 404, not 403: a 403 would tell the officer that the result exists (issue 11).
    const theirs = await t.call('GET', `/api/v1/grading-runs/${w.published}/results/O-OTHER`, { token: tokens.officer });
    expect(theirs.status).toBe(404);
    await expectProblemIfError(theirs, 'their result');
    for (const path of [`/api/v1/grading-runs/${w.unpublished}`, `/api/v1/grading-runs/${w.unpublished}/results/${SELF}`]) {
      const res = await t.call('GET', path, { token: tokens.officer });
      expect(res.status, path).toBe(404);
    }
    const runs = (await (await t.call('GET', '/api/v1/grading-runs', { token: tokens.officer })).json()) as { items: { id: string; status: string }[] };
    expect(runs.items.map((r) => r.status)).not.toContain('computed');
    expect(runs.items.map((r) => r.id)).toContain(w.published);
    const mine = (await (await t.call('GET', '/api/v1/me/grades', { token: tokens.officer })).json()) as { items: { runId: string; officerCode: string }[] };
    expect(mine.items.map((r) => [r.runId, r.officerCode])).toEqual([[w.published, SELF]]);
  });

  it("an officer reads only their own decisions and feedback summary", async () => {
    const w = await world();
    expect((await t.call('GET', `/api/v1/decisions/${w.theirDecision}`, { token: tokens.officer })).status).toBe(404);
    expect((await t.call('GET', '/api/v1/decisions?officerCode=O-OTHER', { token: tokens.officer })).status).toBe(403);
    const list = (await (await t.call('GET', '/api/v1/decisions', { token: tokens.officer })).json()) as { items: { id: string }[] };
    expect(list.items.map((d) => d.id)).not.toContain(w.theirDecision);
    expect((await t.call('GET', '/api/v1/feedback/summary?officerCode=O-OTHER&period=2026Q3', { token: tokens.officer })).status).toBe(403);
    // Nor can they amend another officer's decision, which reads as one that does not exist.
    const amend = await t.call('POST', '/api/v1/decisions', {
      token: tokens.officer,
      json: { type: 'deferral', taxpayerCode: 'TP-MX', justification: 'mine now', decidedAt: '2026-10-02', amends: w.theirDecision, amendReason: 'take over' },
    });
    expect(amend.status).toBe(400);
    expect(((await amend.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['amends']);
  });

  it('an officer cannot appeal an unpublished run', async () => {
    const w = await world();
    const res = await t.call('POST', `/api/v1/grading-runs/${w.unpublished}/appeals`, { token: tokens.officer, json: { reason: 'peek' } });
    expect(res.status).toBe(404);
  });

  it('a supervisor reads no feedback responses about themselves', async () => {
    const res = await t.call('GET', `/api/v1/feedback/responses?officerCode=${SUP}`, { token: tokens.supervisor });
    expect(res.status).toBe(403);
  });

  it("nobody but an admin revokes another user's token", async () => {
    const w = await world();
    for (const role of ['officer', 'supervisor', 'intake'] as const) {
      const res = await t.call('POST', `/api/v1/tokens/${w.hrTokenId}/revoke`, { token: tokens[role] });
      expect(res.status, role).toBe(403);
    }
    expect((await t.call('GET', '/api/v1/me', { token: tokens.hr })).status).toBe(200);
  });
});
