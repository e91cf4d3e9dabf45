/**
 * What each operation of the OpenAPI document promises to accept, read from the app's own
 * registry (the same declarations `/openapi.json` is generated from), so that the checks every
 * request goes through before its handler cannot drift from the document: the body limit
 * (`x-max-body-bytes`, ADR 0055) and the query parameters a route knows (ADR 0058).
 *
 * A request is matched to its operation by the route Hono itself chose for it (the first route of
 * its method in `matchedRoutes`), so `/api/v1/grading-runs/compare` is the compare operation and not
 * `/api/v1/grading-runs/{id}`, exactly as the router decides.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';
import { matchedRoutes } from 'hono/route';

/** What one documented operation accepts. */
export interface Contract {
  method: string;
  /** The OpenAPI path, e.g. `/api/v1/grading-runs/{id}`. */
  path: string;
  /** The query parameters the operation declares. */
  query: ReadonlySet<string>;
  /** `x-max-body-bytes` of the operation, when it declares one. */
  maxBodyBytes?: number;
}

/** The route part of an entry of `openAPIRegistry.definitions` (@asteasolutions/zod-to-openapi). */
interface RouteDefinition {
  type: string;
  route?: {
    method: string;
    path: string;
    request?: { query?: unknown };
    'x-max-body-bytes'?: unknown;
  };
}

/** The names a query schema declares: the keys of its zod object (none without one). */
export function queryNames(query: unknown): string[] {
  if (!query || typeof query !== 'object') return [];
  const shape = (query as { shape?: unknown }).shape;
  if (shape && typeof shape === 'object') return Object.keys(shape);
  return [];
}

/** The contracts of every documented operation, by `METHOD /path`. */
export function contractsFrom(definitions: readonly RouteDefinition[]): Map<string, Contract> {
  const out = new Map<string, Contract>();
  for (const d of definitions) {
    if (d.type !== 'route' || !d.route) continue;
    const r = d.route;
    const method = r.method.toUpperCase();
    const max = r['x-max-body-bytes'];
    out.set(`${method} ${r.path}`, {
      method,
      path: r.path,
      query: new Set(queryNames(r.request?.query)),
      maxBodyBytes: typeof max === 'number' ? max : undefined,
    });
  }
  return out;
}

const converted = new Map<string, string>();

/** `/f/:token` (Hono, with an optional `{regex}`) -> `/f/{token}` (OpenAPI); remembered, routes are few. */
export function openApiPath(honoPath: string): string {
  let out = converted.get(honoPath);
  if (out === undefined) {
    out = honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, '{$1}');
    converted.set(honoPath, out);
  }
  return out;
}

/**
 * The contract of the operation this request was routed to, or undefined for a route the
 * document does not describe (pages, /healthz, /docs) or a path nothing serves.
 */
export function contractOf(c: Context, contracts: ReadonlyMap<string, Contract>): Contract | undefined {
  const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
  // The first route of this method is the one that answers (`/grading-runs/compare` before
  // `/grading-runs/{id}`); middleware is registered for ALL methods.
  for (const r of matchedRoutes(c)) {
    if (r.method === method) return contracts.get(`${method} ${openApiPath(r.path)}`);
  }
  return undefined;
}

/**
 * 400 naming every query parameter the operation does not declare (API.md: a misspelt filter
 * must not silently return everything). Routes the document does not describe are left alone.
 */
export function knownQueryParameters(contractFor: (c: Context) => Contract | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (!c.req.url.includes('?')) return next();
    const contract = contractFor(c);
    if (!contract) return next();
    const unknown = Object.keys(c.req.queries()).filter((name) => !contract.query.has(name));
    if (unknown.length) {
      const known = [...contract.query].join(', ') || 'none';
      throw new ApiError(
        400,
        'unknown_query_parameter',
        `${contract.method} ${contract.path} does not know the query parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; it accepts: ${known}.`,
        unknown.map((name) => ({ path: name, message: `unknown query parameter; this route accepts: ${known}` })),
      );
    }
    await next();
  };
}
