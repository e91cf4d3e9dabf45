import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { systemClock, type Clock } from './core/clock.js';
import { defaultConfig, type AppConfig } from './core/config.js';
import type { AuditSigner, Ctx, Invocation } from './core/context.js';
import { problem } from './core/errors.js';
import { createRouter, methodNotAllowed, problemResponse, wellFormedUrl, type AppEnv } from './core/http.js';
import { BodyBudget, DEFAULT_BODY_LIMIT, MiB, bodyLimits } from './core/body.js';
import { contractOf, contractsFrom, knownQueryParameters, type Contract } from './core/contract.js';
import type { Context } from 'hono';
import { bearerActor } from './auth/middleware.js';
import { idempotency } from './idempotency/middleware.js';
import { authRoutes } from './auth/routes.js';
import { importsRoutes } from './imports/routes.js';
import { gradingRoutes } from './grading/routes.js';
import { policyRoutes } from './grading/policy-routes.js';
import { retentionRoutes } from './retention/routes.js';
import { feedbackRoutes } from './feedback/routes.js';
import { decisionsRoutes } from './decisions/routes.js';
import { flagsRoutes } from './flags/routes.js';
import { auditRoutes } from './audit/routes.js';
import { officerRoutes } from './officer/routes.js';
import { spotCheckRoutes } from './spot-checks/routes.js';
import { publicSummaryRoutes } from './public-summary/routes.js';
import { complaintsRoutes } from './complaints/routes.js';
import { pagesRoutes } from './pages/routes.js';
import { pageSession } from './pages/session.js';
import { navCounts } from './nav-counts.js';
import { pageCsrf } from './pages/csrf.js';
import { methodNotAllowedPage, notFoundPage, pageAwareOnError } from './pages/errors.js';
import { requestLog } from './ops/request-log.js';
import { opsRoutes } from './ops/routes.js';
import { jobsRoutes } from './jobs/routes.js';
import { quietTelemetry, type Telemetry } from './ops/telemetry.js';
import { renderJsxWithoutAsyncHooks } from './feedback/hot-path.js';
import { docsThemeCss } from './pages/docs-theme.js';

/**
 * What an entry decides per request rather than once: the Worker serves several bureaus, each
 * on its own database with its own config and signing key, and counts statements per invocation.
 */
export interface RequestScope {
  db: Db;
  config: AppConfig;
  signer: AuditSigner;
  invocation?: Invocation;
}

/** The app over one database: its handle and signing key serve every request. */
export interface AppDeps extends CommonDeps {
  db: Db;
  signer: AuditSigner;
}

/** The app over several databases (the Worker's bureaus): `scope` picks them per request. */
export interface ScopedAppDeps extends CommonDeps {
  scope: (c: Context<AppEnv>) => RequestScope;
}

interface CommonDeps {
  clock?: Clock;
  /** From `resolveConfig` at the entry; omitted: `defaultConfig`. */
  config?: AppConfig;
  /** Serves files of npm packages the pages need (the docs UI); the entry decides how. */
  assets?: (path: string) => Promise<Response | null>;
  /** Request log lines and, on Node, metrics (src/ops); silent when absent. */
  telemetry?: Telemetry;
  /** The bearer token GET /metrics asks for (`METRICS_TOKEN`); no token, no metrics. */
  metricsToken?: string;
  /**
   * Bytes of request bodies this process admits at once (core/body.ts, docs/limits.md); a request
   * that would pass it is answered 429. Omitted: `DEFAULT_BODY_BUDGET`.
   */
  bodyBudgetBytes?: number;
}

/** Room for one 64 MiB import and 64 ordinary 1 MiB bodies at once (docs/limits.md). */
export const DEFAULT_BODY_BUDGET = 128 * MiB;

/** Builds the whole service from its dependencies. Both entries (Node, Workers) call this. */
export function createApp(deps: AppDeps | ScopedAppDeps) {
  const clock = deps.clock ?? systemClock;
  const config = deps.config ?? defaultConfig;
  // Before anything renders: pages must not switch async hooks on for every request (hot-path.ts).
  renderJsxWithoutAsyncHooks();
  const app = createRouter();

  const telemetry = deps.telemetry ?? quietTelemetry;
  // What each documented operation accepts, from the same registry /openapi.json is made of;
  // read at the first request, when every router is mounted.
  let contracts: Map<string, Contract> | undefined;
  const contractFor = (c: Parameters<typeof contractOf>[0]) => contractOf(c, (contracts ??= contractsFrom(app.openAPIRegistry.definitions as never)));
  app.use('*', requestId());
  app.use('*', requestLog(telemetry));
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      // The same rule as frame-ancestors 'none', for browsers that only read X-Frame-Options.
      xFrameOptions: 'DENY',
    }),
  );
  app.use('*', async (c, next) => {
    const s: RequestScope = 'scope' in deps ? deps.scope(c) : { db: deps.db, config, signer: deps.signer };
    const ctx: Ctx = { db: s.db, clock, config: s.config, signer: s.signer, invocation: s.invocation, actor: { kind: 'system', name: 'anonymous' } };
    c.set('ctx', ctx);
    await next();
  });
  // Before anything can read a body: the route's limit (413) and the process's budget (429).
  const budget = new BodyBudget(deps.bodyBudgetBytes ?? DEFAULT_BODY_BUDGET);
  app.use('*', bodyLimits({ budget, limitOf: (c) => contractFor(c)?.maxBodyBytes ?? DEFAULT_BODY_LIMIT }));
  // Every path segment and query value is well-formed single-line text (core/text.ts), or 400.
  app.use('*', wellFormedUrl());
  // Page paths: a `sid` cookie becomes ctx.actor; unsafe requests pass the Origin check and, with a
  // session, the synchronizer token (docs/adr: ADR 0002 on sessions, ADR 0011 on CSRF).
  app.use('*', pageSession());
  // The navigation's counts of what waits for the signed-in user (src/nav-counts.ts, ADR 0080).
  app.use('*', async (c, next) => {
    c.set('navCounts', navCounts);
    await next();
  });
  // Before the CSRF check and the handlers (which would answer 403 or 404 first), after the session
  // (page paths answer browsers with an HTML 405 page in the shell), everyone else problem+json.
  app.use('*', methodNotAllowed({ app, onMethodNotAllowed: methodNotAllowedPage }));
  app.use('*', pageCsrf());
  app.use('/api/*', bearerActor());
  // A query parameter the operation does not declare in /openapi.json is a 400 naming it.
  app.use('*', knownQueryParameters(contractFor));
  app.use('/api/*', idempotency());

  app.get('/healthz', async (c) => {
    await c.get('ctx').db.run(sql`select 1`);
    return c.json({ status: 'ok' });
  });

  app.route('/', authRoutes);
  app.route('/', importsRoutes);
  app.route('/', gradingRoutes);
  app.route('/', policyRoutes);
  app.route('/', retentionRoutes);
  app.route('/', feedbackRoutes);
  app.route('/', decisionsRoutes);
  app.route('/', flagsRoutes);
  app.route('/', auditRoutes);
  app.route('/', officerRoutes);
  app.route('/', spotCheckRoutes);
  app.route('/', publicSummaryRoutes);
  app.route('/', complaintsRoutes);
  app.route('/', pagesRoutes);
  app.route('/', jobsRoutes);
  app.route('/', opsRoutes({ metrics: telemetry.metrics, metricsToken: deps.metricsToken }));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Tax officer grading and oversight',
      version: '1.0.0',
      description: 'Quarterly grading, taxpayer feedback, discretionary-decision oversight and a tamper-evident audit log.',
    },
  });

  app.get('/docs', (c) => c.html(docsPage()));
  app.get('/docs/assets/:file', async (c) => {
    if (c.req.param('file') === 'docs-theme.css') return c.body(docsThemeCss, 200, { 'content-type': 'text/css; charset=utf-8' });
    if (c.req.param('file') === 'docs-init.js') {
      return c.body("window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });\n", 200, { 'content-type': 'text/javascript; charset=utf-8' });
    }
    const res = deps.assets ? await deps.assets(`swagger-ui-dist/${c.req.param('file')}`) : null;
    if (!res) return problemResponse(c, problem(404, 'not_found', 'No such asset.'));
    return res;
  });

  // HTML error pages for browsers on page paths; problem+json for the API and everyone else.
  app.notFound(notFoundPage);
  app.onError(pageAwareOnError);
  return app;
}

export type App = ReturnType<typeof createApp>;

function docsPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>API docs</title><link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/docs/assets/swagger-ui.css"><link rel="stylesheet" href="/docs/assets/docs-theme.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/docs-init.js"></script>
</body></html>`;
}
