/**
 * What each operation of the OpenAPI document promises to accept, read from the app's own
 * registry (the same declarations `/openapi.json` is generated from), so that the checks every
 * request goes through before its handler cannot drift from the document: the body limit
 * (`x-max-body-bytes`, ADR 0055) and the query parameters a route knows (ADR 0058).
 *
 * A request is matched to its operation by the route Hono itself chose for it (the last handler
 * route of `matchedRoutes`), so `/api/v1/grading-runs/compare` is the compare operation and not
 * `/api/v1/grading-runs/{id}`, exactly as the router decides.
 */
import type { Context } from 'hono';
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

/** `/f/:token` (Hono, with an optional `{regex}`) -> `/f/{token}` (OpenAPI). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, '{$1}');
}

/**
 * The contract of the operation this request was routed to, or undefined for a route the
 * document does not describe (pages, /healthz, /docs) or a path nothing serves.
 */
export function contractOf(c: Context, contracts: ReadonlyMap<string, Contract>): Contract | undefined {
  const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const r = routes[i]!;
    if (r.method !== method) continue;
    return contracts.get(`${method} ${openApiPath(r.path)}`);
  }
  return undefined;
}
