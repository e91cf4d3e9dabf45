/**
 * The OpenAPI side of every route: the problem+json schema, the statuses every route can answer
 * whatever it does (completed by the router, ADR 0058), and the parameter schemas with their
 * patterns that routes share (ids, cursors, periods, limits).
 */
import { z } from '@hono/zod-openapi';
import { DEFAULT_BODY_LIMIT, describeBytes } from './body.js';
import { periodInputPattern, readPeriod } from './period.js';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

/** A problem+json response with this description (routes add their own statuses with it). */
export const problemResponse = (description: string) => ({ description, content: problemContent });

export const problemResponses = {
  400: problemResponse('Invalid input'),
  401: problemResponse('No valid token'),
  403: problemResponse('Wrong role, or about oneself'),
} as const;

export const bearerSecurity = [{ bearer: [] as string[] }];

// ---------------------------------------------------------------------------------------------
// Shared parameters, with the patterns the document shows and the router enforces.

/** Ids the service generates (`dec_mxce0u...`) and the codes of master data in a path. */
export const ID_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;
/** A code of master data (officer, unit, taxpayer): one line, at most 64 characters. */
export const CODE_PATTERN = /^[^\u0000-\u001f\u007f]{1,64}$/;
/** The opaque cursor of a list (base64url, core/pagination.ts). */
export const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,1024}$/;

export const idParam = z.string().regex(ID_PATTERN, 'not an id of this service').openapi({ example: 'dec_mxce0upm1a2b3c4d5e6f7a8b' });
export const codeParam = z.string().regex(CODE_PATTERN, 'a code is one line of at most 64 characters').openapi({ example: 'O001' });
export const cursorParam = z
  .string()
  .regex(CURSOR_PATTERN, 'not a cursor this service issued')
  .openapi({ description: 'The nextCursor of the previous page.' });
/**
 * A quarter as a person may spell it (`2026Q3`, `2026q3`, `2026-Q3`), read into the one spelling
 * the service stores and answers with (`2026Q3`): core/period.ts `readPeriod`, for API and pages.
 */
export const periodParam = z
  .string()
  .regex(periodInputPattern, 'a quarter like 2026Q3')
  .transform((s) => readPeriod(s)!)
  .openapi({ example: '2026Q3', description: 'A quarter, `YYYYQn`; `2026q3` and `2026-Q3` are read as `2026Q3`.' });
export const limitParam = z.coerce.number().int().min(1).max(1000).openapi({ description: 'Page size (default 100, at most 1000).' });

/** `{ id }` as a path. */
export const idPath = z.object({ id: idParam });

// ---------------------------------------------------------------------------------------------
// The statuses every route can answer (ADR 0058).

interface RouteLike {
  method: string;
  path: string;
  security?: unknown[];
  request?: { params?: unknown; body?: unknown; headers?: unknown; query?: unknown };
  responses: Record<string | number, unknown>;
  'x-max-body-bytes'?: unknown;
  [k: string]: unknown;
}

const htmlContent = { 'text/html': { schema: z.string() } };

/**
 * The route's declaration with every status the shared request stack can answer added where the
 * route did not declare it (a route's own description wins):
 * - 400 always (an unknown query parameter, text that is not well-formed, a bad body);
 * - 401 and 403 for routes behind a bearer token;
 * - 404 for routes with path parameters;
 * - 413 and 429 for methods that take a body (the body limit and the budget of bodies in flight),
 *   415 for routes that declare a body (another media type);
 * - 409 and 422 for POSTs under /api (an Idempotency-Key still in use, or reused for another
 *   request), whose `Idempotency-Key` header is documented too.
 * Page paths (not /api) answer browsers with HTML pages, so their added statuses list both.
 */
export function completeRoute<T extends RouteLike>(route: T): T {
  const method = route.method.toLowerCase();
  const api = route.path.startsWith('/api/');
  const content = api ? problemContent : { ...problemContent, ...htmlContent };
  const add: Record<number, string> = { 400: 'Invalid input: an unknown query parameter (named), text that is not well-formed, or a body that does not match the schema' };
  // Under /api an Authorization header is always checked: one that is not a valid token is a 401
  // even on a public route.
  if (api || route.security?.length) add[401] = route.security?.length ? 'No valid bearer token' : 'An Authorization header that is not a valid bearer token (the route needs none)';
  if (route.security?.length) add[403] = 'The token’s role may not do this, or it is about oneself';
  if (route.request?.params || /\{[^}]+\}/.test(route.path)) add[404] = 'Not found, or not visible to the caller';
  const takesBody = method !== 'get' && method !== 'head' && method !== 'delete';
  if (takesBody) {
    const limit = typeof route['x-max-body-bytes'] === 'number' ? route['x-max-body-bytes'] : DEFAULT_BODY_LIMIT;
    add[413] = `The body is larger than ${describeBytes(limit)} (x-max-body-bytes)`;
    add[429] = 'Too many large request bodies are being received at once; see Retry-After';
  }
  if (route.request?.body) add[415] = 'The body is not of a declared media type';
  // A page form post from another origin is refused by the CSRF check (src/pages/csrf.ts).
  if (!api && takesBody) add[403] = 'A form post from another origin (the CSRF check)';
  const idempotent = api && method === 'post';
  if (idempotent) {
    add[409] = 'The Idempotency-Key is in use by a request still running (idempotency_key_in_use), or the route’s own conflict';
    add[422] = 'The Idempotency-Key was used with a different request in the last 24 hours (idempotency_key_reused)';
  }
  const responses: Record<string | number, unknown> = { ...route.responses };
  for (const [status, description] of Object.entries(add)) {
    if (!(status in responses)) responses[status] = { description, content };
  }
  if (!api) {
    // A page's own refusals are HTML for browsers; the shared stack answers other clients with
    // problem+json for the same statuses (src/pages/errors.tsx).
    for (const [status, r] of Object.entries(responses)) {
      const declared = r as { description: string; content?: Record<string, unknown> };
      if (Number(status) >= 400 && declared.content && !declared.content['application/problem+json']) {
        responses[status] = { ...declared, content: { ...declared.content, ...problemContent } };
      }
    }
  }
  const request = { ...(route.request ?? {}) };
  if (idempotent && !request.headers) {
    request.headers = z.object({
      'idempotency-key': z
        .string()
        .regex(/^[\x21-\x7e]{1,200}$/)
        .optional()
        .openapi({ description: 'The same key and body within 24 h replay the first response and write nothing more (API.md).' }),
    });
  }
  return { ...route, request, responses };
}

/** `?lang=` of a public page (the taxpayer's form, the complaint tracking page): zh-CN by default. */
export const langQuery = z.object({ lang: z.enum(['zh-CN', 'en']).optional() });
