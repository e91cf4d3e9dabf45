import { createRoute, z } from '@hono/zod-openapi';
import { MiB } from '../core/body.js';
import { codeParam } from '../core/openapi.js';
import { createRouter } from '../core/http.js';
import { bearerSecurity, problemResponses } from '../core/openapi.js';
import { pageSchema } from '../core/pagination.js';
import { importBody } from './import.js';
import { importInput, importKinds, importResult } from './rows.js';
import {
  listOfficers,
  listPeriods,
  listTaxpayers,
  listUnits,
  officerItem,
  pageQuery,
  periodItem,
  taxpayerItem,
  unitItem,
} from './master-data.js';
import { importPages } from './pages.js';

/** The imports API: bulk import (JSON or CSV) and the master data it fills; the HR upload page. */
export const importsRoutes = createRouter();
importsRoutes.route('/', importPages);

/**
 * Far above 100,000 rows of JSON (about 20 MB). Declared on the operation (`x-max-body-bytes`), so
 * the app's body limit (core/body.ts) refuses a larger body before anything reads it.
 */
export const MAX_IMPORT_BYTES = 64 * MiB;

// The import body is validated by the verb, not by the router: the verb must check the role
// before reading the body, read JSON and CSV alike, and report row errors together with the
// errors only the database can find (references, assignment history). So the route is documented
// here and handled by a plain handler below.
importsRoutes.openAPIRegistry.registerPath({
  method: 'post',
  path: '/api/v1/import',
  tags: ['import'],
  summary: 'Bulk import (hr): all-or-nothing upsert of master data and grading inputs.',
  description:
    'A JSON body with any of the arrays, or a `text/csv` body with `?kind=` (a header row with the field names). ' +
    'Every bad row is reported (`officers[3].hireDate` or `line 12: hireDate`) and nothing is written then. See docs/import.md.',
  security: bearerSecurity,
  'x-max-body-bytes': MAX_IMPORT_BYTES,
  request: {
    query: z.object({ kind: z.enum(importKinds).optional().openapi({ description: 'Required for text/csv bodies.' }) }),
    body: {
      required: true,
      content: {
        'application/json': { schema: importInput },
        'text/csv': { schema: z.string().openapi({ example: 'code,name,peerGroup\r\nU01,第一税务分局,urban\r\n' }) },
      },
    },
  },
  responses: {
    200: { description: 'Imported', content: { 'application/json': { schema: importResult } } },
    ...problemResponses,
  },
});

importsRoutes.post(
  '/api/v1/import',
  async (c) => {
    const out = await importBody({
      ctx: c.get('ctx'),
      contentType: c.req.header('content-type') ?? '',
      kind: c.req.query('kind'),
      body: new Uint8Array(await c.req.arrayBuffer()),
    });
    return c.json(out, 200);
  },
);

const listRoute = <T extends z.ZodType>(path: string, item: T, summary: string, query = pageQuery) =>
  createRoute({
    method: 'get',
    path,
    tags: ['master data'],
    summary,
    security: bearerSecurity,
    request: { query },
    responses: {
      200: { description: 'One page, ordered by code', content: { 'application/json': { schema: pageSchema(item) } } },
      ...problemResponses,
    },
  });

importsRoutes
  .openapi(listRoute('/api/v1/units', unitItem, 'Units (hr, supervisor, admin).'), async (c) =>
    c.json(await listUnits({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  )
  .openapi(
    listRoute('/api/v1/officers', officerItem, 'Officers, optionally of one unit (hr, supervisor, admin).', pageQuery.extend({ unitCode: codeParam.optional() })),
    async (c) => c.json(await listOfficers({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  )
  .openapi(listRoute('/api/v1/taxpayers', taxpayerItem, 'Taxpayers (hr, supervisor, admin).'), async (c) =>
    c.json(await listTaxpayers({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  )
  .openapi(listRoute('/api/v1/periods', periodItem, 'Periods (quarters) known to the service (hr, supervisor, admin).'), async (c) =>
    c.json(await listPeriods({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
