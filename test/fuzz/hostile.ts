/**
 * Hand-written hostile requests, the ones issue 11 found and their relatives, sent by every
 * caller and checked against the document like the generated ones.
 */
import { Checker, cutByEarlyAnswer, describe, operationsOf, type Call, type Caller, type Failure, type FuzzRequest, type OpenApiDocument } from './engine.js';

/** JSON text of an array nested `depth` deep (JSON.stringify itself would overflow the stack). */
const nested = (depth: number) => `${'['.repeat(depth)}"bottom"${']'.repeat(depth)}`;

export interface HostileCase extends FuzzRequest {
  name: string;
  method: string;
  /** The documented operation it targets, `METHOD /template`. */
  operation: string;
  /** The statuses this case may get from any caller (beyond being documented), when it matters. */
  expect?: number[];
}

const refused = [400, 401, 403];
// Without a Content-Length (app.request sends none) a body is counted as it is read, and who is
// refused (401, 403) is never read: refused either way, never written.
const tooLarge = [413, 401, 403];

const json = { 'content-type': 'application/json', accept: 'application/json' };
const MiB = 1024 * 1024;

export function hostileCases(): HostileCase[] {
  const padded = (size: number) => `{"type":"deferral","taxpayerCode":"FZT1","justification":"x","decidedAt":"2026-09-30","pad":"${' '.repeat(size)}"}`;
  return [
    { name: 'a body just over 1 MiB', method: 'POST', operation: 'POST /api/v1/decisions', path: '/api/v1/decisions', headers: json, body: padded(MiB), expect: tooLarge },
    { name: 'a body over 1 MiB with an Idempotency-Key', method: 'POST', operation: 'POST /api/v1/decisions', path: '/api/v1/decisions', headers: { ...json, 'idempotency-key': 'hostile-big' }, body: padded(2 * MiB), expect: tooLarge },
    {
      name: 'the surrogate import',
      method: 'POST',
      operation: 'POST /api/v1/import',
      path: '/api/v1/import',
      headers: json,
      body: '{"units":[{"code":"UZ\\ud800","name":"x","peerGroup":"urban"}]}',
      expect: refused,
    },
    { name: 'a lone low surrogate and NUL in a name', method: 'POST', operation: 'POST /api/v1/import', path: '/api/v1/import', headers: json, body: '{"units":[{"code":"UZ1","name":"\\udc00\\u0000","peerGroup":"urban"}]}', expect: refused },
    { name: 'a CSV with NUL', method: 'POST', operation: 'POST /api/v1/import', path: '/api/v1/import?kind=units', headers: { 'content-type': 'text/csv', accept: 'application/json' }, body: 'code,name,peerGroup\r\nU\u0000Z,x,urban\r\n', expect: refused },
    { name: 'a CSV in GBK', method: 'POST', operation: 'POST /api/v1/import', path: '/api/v1/import?kind=units', headers: { 'content-type': 'text/csv; charset=gbk', accept: 'application/json' }, body: 'code,name,peerGroup\r\n', expect: refused },
    { name: 'JSON nested 20,000 deep', method: 'POST', operation: 'POST /api/v1/grading-runs', path: '/api/v1/grading-runs', headers: json, body: `{"period":"2026Q3","policy":${nested(20_000)}}`, expect: refused },
    { name: 'JSON nested 20,000 deep in an import', method: 'POST', operation: 'POST /api/v1/import', path: '/api/v1/import', headers: json, body: `{"units":${nested(20_000)}}`, expect: refused },
    { name: 'a misspelt filter', method: 'GET', operation: 'GET /api/v1/flags', path: '/api/v1/flags?unitCode=X', headers: { accept: 'application/json' }, expect: [400, 401] },
    { name: 'NUL in a filter', method: 'GET', operation: 'GET /api/v1/decisions', path: '/api/v1/decisions?type=%00', headers: { accept: 'application/json' }, expect: [400, 401] },
    { name: 'invalid UTF-8 in a path', method: 'GET', operation: 'GET /api/v1/decisions/{id}', path: '/api/v1/decisions/%ED%A0%80', headers: { accept: 'application/json' } },
    { name: 'a cursor this service did not issue', method: 'GET', operation: 'GET /api/v1/decisions', path: '/api/v1/decisions?cursor=AAAA', headers: { accept: 'application/json' } },
    { name: 'limit out of range', method: 'GET', operation: 'GET /api/v1/decisions', path: '/api/v1/decisions?limit=-1', headers: { accept: 'application/json' } },
    { name: 'a huge limit', method: 'GET', operation: 'GET /api/v1/units', path: '/api/v1/units?limit=1e309', headers: { accept: 'application/json' } },
    { name: 'a period that is not one', method: 'GET', operation: 'GET /api/v1/feedback/summary', path: '/api/v1/feedback/summary?officerCode=FZO1&period=2026Q5', headers: { accept: 'application/json' } },
    { name: 'an 8 KiB query value', method: 'GET', operation: 'GET /api/v1/flags', path: `/api/v1/flags?rule=${'r'.repeat(8192)}`, headers: { accept: 'application/json' } },
    { name: 'JSON sent as text/plain', method: 'POST', operation: 'POST /api/v1/decisions', path: '/api/v1/decisions', headers: { 'content-type': 'text/plain', accept: 'application/json' }, body: '{}' },
    { name: 'malformed JSON', method: 'POST', operation: 'POST /api/v1/invitations', path: '/api/v1/invitations', headers: json, body: '{"officerCode":' },
    { name: 'a JSON array instead of an object', method: 'POST', operation: 'POST /api/v1/invitations', path: '/api/v1/invitations', headers: json, body: '[1,2,3]' },
    { name: 'numbers beyond doubles', method: 'POST', operation: 'POST /api/v1/decisions', path: '/api/v1/decisions', headers: json, body: '{"type":"assessed_turnover","taxpayerCode":"FZT1","amount":1e400,"justification":"x","decidedAt":"2026-09-30"}' },
    { name: 'a negative amount', method: 'POST', operation: 'POST /api/v1/decisions', path: '/api/v1/decisions', headers: json, body: '{"type":"assessed_turnover","taxpayerCode":"FZT1","amount":-1,"justification":"x","decidedAt":"2026-09-30"}' },
    { name: 'an Idempotency-Key of 201 characters', method: 'POST', operation: 'POST /api/v1/invitations', path: '/api/v1/invitations', headers: { ...json, 'idempotency-key': 'k'.repeat(201) }, body: '{}', expect: refused },
    { name: 'a form post to the taxpayer form with a bad token', method: 'POST', operation: 'POST /f/{token}', path: '/f/%00bad', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: 'professionalism=5' },
    { name: 'a form page with an unknown query parameter', method: 'GET', operation: 'GET /f/{token}', path: '/f/abcdefghijklmnopqrstuvwxyz?evil=1', headers: { accept: 'text/html' }, expect: [400] },
  ];
}

/** Sends every hostile case as every caller; returns the failures. */
export async function runHostileCases(call: Call, doc: OpenApiDocument, callers: Caller[]): Promise<{ requests: number; failures: Failure[] }> {
  const checker = new Checker(doc);
  const ops = new Map(operationsOf(doc).map((op) => [`${op.method} ${op.path}`, op]));
  const failures: Failure[] = [];
  let requests = 0;
  for (const c of hostileCases()) {
    const op = ops.get(c.operation);
    if (!op) {
      failures.push({ operation: c.operation, caller: '-', request: c.name, problem: 'the document has no such operation' });
      continue;
    }
    for (const caller of callers) {
      const headers = { ...c.headers, ...(caller.token ? { authorization: `Bearer ${caller.token}` } : {}) };
      requests++;
      let problem: string | null;
      try {
        const res = await call(c.method, c.path, { headers, body: c.body });
        problem = c.expect && !c.expect.includes(res.status) ? `answered ${res.status}; this case expects ${c.expect.join(' or ')}` : await checker.problem(op, res);
      } catch (err) {
        problem = (await cutByEarlyAnswer(call, c.body)) ? null : `the request failed: ${(err as Error).message}`;
      }
      if (problem) failures.push({ operation: c.operation, caller: caller.name, request: `${c.name}: ${describe(c.method, c)}`, problem });
    }
  }
  return { requests, failures };
}
