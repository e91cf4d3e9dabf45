/**
 * The fuzz suite's engine, shared by the Node suite (test/fuzz/fuzz.test.ts, `app.request`) and
 * the Workers suite (test/workers/fuzz.test.ts, workerd + D1): every operation of /openapi.json,
 * picked from the document at run time (a route another branch adds is fuzzed the moment it is
 * documented), for every caller (each role, a bogus token, anonymous), with generated path,
 * query, header and body values. It checks what issue 11 asks of every answer:
 *
 * - no 5xx;
 * - the status is one the document lists for that operation;
 * - the media type is one the document lists for that status, and every 4xx of the API is
 *   problem+json (the taxpayer pages, documented as HTML, answer browsers in HTML);
 * - a 2xx JSON body matches the documented response schema (ajv, JSON Schema 2020-12);
 * - and, checked by the callers, that the service is still up afterwards.
 */
import fc from 'fast-check';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { percentEncode, valueFor, anyText, type Components, type Schema } from './values.js';

export { percentEncode as percentEncodeForTest };

export type Call = (method: string, path: string, init: { headers: Record<string, string>; body?: string }) => Promise<Response>;

export interface Caller {
  name: string;
  token?: string;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: Schema;
}

interface MediaType {
  schema?: Schema;
}

export interface Operation {
  method: string;
  path: string;
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, MediaType>; required?: boolean };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>;
  components?: Components;
}

export interface Failure {
  operation: string;
  caller: string;
  request: string;
  problem: string;
}

/** Every operation of the document (a path item's methods). */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const methods = new Set(['get', 'post', 'put', 'patch', 'delete']);
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => methods.has(m))
      .map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })),
  );
}

/** One request of a case: its URL, headers and body text. */
export interface FuzzRequest {
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Pools of values this world knows (ids, codes, tokens): generated values are drawn from them too. */
export type Pools = Record<string, string[]>;

const dotSegment = (s: string) => s === '.' || s === '..' || s === '';

/** The arbitrary of one request to `op`: path, query, headers and body. */
export function requestArbitrary(op: Operation, components: Components, pools: Pools): fc.Arbitrary<FuzzRequest> {
  const all = Object.values(pools).flat();
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const pathArb = fc.tuple(
    ...pathParams.map((p) =>
      fc
        .oneof(
          { weight: 3, arbitrary: pools[p.name]?.length ? fc.constantFrom(...pools[p.name]!) : fc.constant('x1') },
          { weight: 2, arbitrary: valueFor(p.schema, components, pools[p.name] ?? all).map(String) },
          { weight: 1, arbitrary: anyText(30) },
        )
        .filter((v) => !dotSegment(v)),
    ),
  );
  const queryArb = fc.tuple(
    fc.tuple(...queryParams.map((p) => fc.option(valueFor(p.schema, components, pools[p.name] ?? all), { freq: p.required ? 6 : 2 }))),
    // Now and then (one case in eight) a parameter the operation does not declare (a misspelt filter).
    fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(anyText(12), anyText(12)) }),
  );
  const media = op.requestBody ? Object.keys(op.requestBody.content) : [];
  const bodyArb: fc.Arbitrary<{ type?: string; text?: string }> = media.length
    ? fc.oneof(
        { weight: 8, arbitrary: valueFor(op.requestBody!.content[media[0]!]!.schema ?? {}, components, all).map((v) => ({ type: media[0], text: encodeBody(media[0]!, v) })) },
        { weight: 1, arbitrary: fc.constantFrom({ type: 'application/json', text: '{"unterminated":' }, { type: 'text/plain', text: 'hello' }, { type: undefined, text: '{}' }, { type: 'application/json', text: '' }) },
      )
    : op.method === 'GET'
      ? fc.constant({})
      : fc.oneof({ weight: 6, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.constant({ type: 'application/json', text: '{"unexpected":true}' }) });
  // An Idempotency-Key on one POST in three, a malformed one now and then.
  const keyArb =
    op.method === 'POST'
      ? fc.oneof(
          { weight: 8, arbitrary: fc.constant(null) },
          { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/) },
          { weight: 1, arbitrary: fc.constantFrom('x'.repeat(201), 'a b', '') },
        )
      : fc.constant(null);
  return fc.tuple(pathArb, queryArb, bodyArb, keyArb).map(([pathValues, [queryValues, extra], body, key]) => {
    let path = op.path;
    pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, percentEncode(pathValues[i]!))));
    const query: string[] = [];
    queryParams.forEach((p, i) => {
      const v = queryValues[i];
      if (v !== null && v !== undefined) query.push(`${percentEncode(p.name)}=${percentEncode(typeof v === 'string' ? v : JSON.stringify(v) ?? '')}`);
    });
    if (extra) query.push(`${percentEncode(extra[0] || 'unknown')}=${percentEncode(extra[1])}`);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body.type) headers['content-type'] = body.type;
    if (key !== null) headers['idempotency-key'] = key;
    return { path: query.length ? `${path}?${query.join('&')}` : path, headers, body: body.text };
  });
}

function encodeBody(type: string, value: unknown): string {
  if (/json/.test(type)) return JSON.stringify(value) ?? 'null';
  if (/x-www-form-urlencoded/.test(type) && value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${percentEncode(k)}=${percentEncode(typeof v === 'string' ? v : JSON.stringify(v) ?? '')}`)
      .join('&');
  }
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

/** Checks answers against the document: statuses, media types, problem+json, response schemas. */
export class Checker {
  readonly #ajv: Ajv2020;
  readonly #validators = new Map<string, ReturnType<Ajv2020['compile']>>();

  constructor(readonly doc: OpenApiDocument) {
    this.#ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
    addFormats(this.#ajv);
    this.#ajv.addSchema({ $id: 'https://tax-grading.invalid/openapi', components: doc.components ?? {} });
  }

  /** What is wrong with `res` as an answer of `op`, or null. Reads the body. */
  async problem(op: Operation, res: Response): Promise<string | null> {
    const status = res.status;
    const text = await res.text();
    if (status >= 500) return `answered ${status}: ${text.slice(0, 300)}`;
    // The runtime's own refusal of a request line or headers over its limit (workerd answers 431
    // "header too large" for the long generated query strings of the list routes' filters) comes
    // before the app sees the request: not an answer of the document's operations.
    if (status === 431 && /header too large/i.test(text)) return null;
    const documented = op.responses[String(status)];
    if (!documented) return `answered ${status}, which the document does not list (${Object.keys(op.responses).join(', ')}): ${text.slice(0, 200)}`;
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const types = Object.keys(documented.content ?? {});
    if (types.length && !types.includes(type)) return `answered ${status} as ${type || '(no type)'}, the document says ${types.join(' or ')}`;
    if (status >= 400 && op.path.startsWith('/api/')) {
      if (type !== 'application/problem+json') return `answered ${status} as ${type}, not problem+json`;
      const p = JSON.parse(text) as Record<string, unknown>;
      for (const k of ['type', 'title', 'status', 'detail']) if (!(k in p)) return `problem+json without ${k}`;
      if (p.status !== status) return `problem+json says status ${String(p.status)}, the response ${status}`;
    }
    if (status < 300 && type === 'application/json') {
      const schema = documented.content?.['application/json']?.schema;
      if (schema) {
        const validate = this.#compile(`${op.method} ${op.path} ${status}`, schema);
        const body = JSON.parse(text) as unknown;
        if (!validate(body)) return `${status} body does not match the documented schema: ${this.#ajv.errorsText(validate.errors)}`;
      }
    }
    return null;
  }

  #compile(key: string, schema: Schema) {
    let v = this.#validators.get(key);
    if (!v) {
      // References point into the document's components, registered under its $id.
      const rebased = JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"https://tax-grading.invalid/openapi#/components/')) as object;
      v = this.#ajv.compile(rebased);
      this.#validators.set(key, v);
    }
    return v;
  }
}

export interface FuzzOptions {
  call: Call;
  doc: OpenApiDocument;
  callers: Caller[];
  pools: Pools;
  /** Generated cases per operation and caller. */
  runs: number;
  seed: number;
  /** Operations to leave out, `METHOD /path` (none by default). */
  skip?: ReadonlySet<string>;
}

/** Runs the generated cases; returns how many requests were sent and what failed. */
export async function fuzzOperations(opts: FuzzOptions): Promise<{ requests: number; failures: Failure[]; byStatus: Record<number, number> }> {
  const checker = new Checker(opts.doc);
  const failures: Failure[] = [];
  const byStatus: Record<number, number> = {};
  let requests = 0;
  let seed = opts.seed;
  for (const op of operationsOf(opts.doc)) {
    const name = `${op.method} ${op.path}`;
    if (opts.skip?.has(name)) continue;
    const cases = fc.sample(requestArbitrary(op, opts.doc.components ?? {}, opts.pools), { numRuns: opts.runs * opts.callers.length, seed: seed++ });
    for (let i = 0; i < cases.length; i++) {
      const caller = opts.callers[i % opts.callers.length]!;
      const req = cases[i]!;
      const headers = { ...req.headers, ...(caller.token ? { authorization: `Bearer ${caller.token}` } : {}) };
      requests++;
      let problem: string | null;
      try {
        const res = await opts.call(op.method, req.path, { headers, body: req.body });
        byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
        problem = await checker.problem(op, res);
      } catch (err) {
        problem = (await cutByEarlyAnswer(opts.call, req.body)) ? null : `the request failed: ${(err as Error).message}`;
      }
      if (problem) failures.push({ operation: name, caller: caller.name, request: describe(op.method, req), problem });
    }
  }
  return { requests, failures, byStatus };
}

/**
 * Whether a request that failed to send was cut by an early answer: a runtime that answers before
 * the body is uploaded (401 for an anonymous caller, 413 from the length) may close the upload,
 * and some clients (undici behind Miniflare, mostly under load) then report the send as failed.
 * That is the refusal working, provided the request had a body and the service is still up.
 */
export async function cutByEarlyAnswer(call: Call, body: string | undefined): Promise<boolean> {
  if (body === undefined) return false;
  return (await call('GET', '/healthz', { headers: {} }).then((r) => r.status, () => 0)) === 200;
}

export function describe(method: string, req: FuzzRequest): string {
  const body = req.body === undefined ? '' : ` body ${req.body.length > 300 ? `${req.body.slice(0, 300)}... (${req.body.length} chars)` : req.body}`;
  return `${method} ${req.path.length > 300 ? `${req.path.slice(0, 300)}...` : req.path} ${JSON.stringify(req.headers)}${body}`;
}

/** Failures grouped for a readable assertion message: one line per operation and problem, with an example. */
export function summarise(failures: Failure[], max = 40): string {
  const groups = new Map<string, Failure[]>();
  for (const f of failures) {
    const key = `${f.operation} :: ${f.problem.replace(/\d{4,}/g, 'N').slice(0, 160)}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.entries()]
    .slice(0, max)
    .map(([key, list]) => `${key} (x${list.length}; e.g. as ${list[0]!.caller}: ${list[0]!.request.slice(0, 400)})`)
    .join('\n');
}

/**
 * `call`, with every answer also checked against the document (the world's setup requests are
 * real 2xx answers of real operations, so their bodies are checked against the schemas too).
 */
export function checkedCall(call: Call, doc: OpenApiDocument, failures: Failure[]): Call {
  const checker = new Checker(doc);
  const ops = operationsOf(doc).map((op) => ({ op, re: new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/?]+')}(\\?|$)`) }));
  return async (method, path, init) => {
    const res = await call(method, path, init);
    const match = ops.find((o) => o.op.method === method && o.re.test(path) && !(o.op.path.includes('{') && ops.some((x) => x !== o && !x.op.path.includes('{') && x.op.method === method && x.re.test(path))));
    if (match) {
      const problem = await checker.problem(match.op, res.clone());
      if (problem) failures.push({ operation: `${method} ${match.op.path}`, caller: 'setup', request: `${method} ${path}`, problem });
    }
    return res;
  };
}
