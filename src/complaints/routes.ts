/**
 * The complaints API (API.md "Complaints") and the pages under /complaints and /c.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { createRouter } from '../core/http.js';
import { ApiError } from '../core/errors.js';
import { allowRoles } from '../auth/middleware.js';
import { ProblemSchema, bearerSecurity, idPath, langQuery, problemResponses } from '../core/openapi.js';
import { fileComplaint, fileComplaintInput, filedOutput } from './file.js';
import { complaintItem, complaintsOutput, complaintsQuery, getComplaint, listComplaints } from './read.js';
import { complaintSummary, complaintSummaryOutput, summaryQuery } from './summary.js';
import { complaintSummaryCsv } from './summary-export.js';
import { complaintTransitionInput, transitionComplaint } from './transition.js';
import { importComplaints, importColumns, importOutput } from './import.js';
import { complaintPages } from './page-routes.js';

const problems = (...codes: number[]) =>
  Object.fromEntries(codes.map((s) => [s, { description: String(s), content: { 'application/problem+json': { schema: ProblemSchema } } }]));
const tags = ['complaints'];
const idParam = idPath;

const fileRoute = createRoute({
  method: 'post',
  path: '/api/v1/complaints',
  middleware: allowRoles('intake', 'hr', 'supervisor'),
  tags,
  summary: 'Record a complaint from the hotline, a service hall, a letter or the web (intake, hr, supervisor). The receipt is shown once.',
  security: bearerSecurity,
  request: { body: { content: { 'application/json': { schema: fileComplaintInput } }, required: true } },
  responses: { 201: { description: 'Recorded', content: { 'application/json': { schema: filedOutput } } }, ...problemResponses, ...problems(409) },
});

const MAX_IMPORT_BYTES = 8 * 1024 * 1024;

const importRoute = createRoute({
  method: 'post',
  path: '/api/v1/complaints/import',
  middleware: [
    ...allowRoles('intake', 'hr'),
    bodyLimit({
      maxSize: MAX_IMPORT_BYTES,
      onError: () => {
        throw new ApiError(413, 'too_large', `A hotline export is at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB; split it.`);
      },
    }),
  ] as const,
  tags,
  summary: 'Import a 12366 hotline export (intake, hr): CSV, all or nothing, errors as `line N: column`.',
  description: `Columns (header row, either name): ${Object.values(importColumns).map((n) => n.join(' / ')).join(', ')}. A ticket already imported is 409.`,
  security: bearerSecurity,
  request: { body: { required: true, content: { 'text/csv': { schema: z.string().openapi({ example: 'ticket,receivedAt,category,text,officerCode\r\nT-1,2026-10-12,attitude,窗口人员态度生硬,E0042\r\n' }) } } } },
  responses: { 201: { description: 'Imported', content: { 'application/json': { schema: importOutput } } }, ...problemResponses, ...problems(409, 413, 415) },
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/complaints',
  middleware: allowRoles('hr', 'supervisor'),
  tags,
  summary: 'Complaints, newest received first (hr, supervisor; never the ones about oneself).',
  security: bearerSecurity,
  request: { query: complaintsQuery },
  responses: { 200: { description: 'A page', content: { 'application/json': { schema: complaintsOutput } } }, ...problemResponses },
});

const summaryRoute = createRoute({
  method: 'get',
  path: '/api/v1/complaints/summary',
  middleware: allowRoles('hr', 'supervisor'),
  tags,
  summary: 'The quarter’s complaint analysis beside the quarter before (hr, supervisor).',
  security: bearerSecurity,
  request: { query: summaryQuery },
  responses: { 200: { description: 'Counts', content: { 'application/json': { schema: complaintSummaryOutput } } }, ...problemResponses },
});

const summaryCsvRoute = createRoute({
  method: 'get',
  path: '/api/v1/complaints/summary.csv',
  middleware: allowRoles('hr', 'supervisor'),
  tags,
  summary: 'The analysis as CSV (hr, supervisor): UTF-8 with BOM, CRLF.',
  security: bearerSecurity,
  request: { query: summaryQuery },
  responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...problemResponses },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/complaints/{id}',
  middleware: allowRoles('hr', 'supervisor'),
  tags,
  summary: 'One complaint with its text and where it stands (hr, supervisor; not about oneself).',
  security: bearerSecurity,
  request: { params: idParam },
  responses: { 200: { description: 'The complaint', content: { 'application/json': { schema: complaintItem } } }, ...problemResponses, ...problems(404) },
});

const transitionRoute = createRoute({
  method: 'post',
  path: '/api/v1/complaints/{id}/transition',
  middleware: allowRoles('supervisor'),
  tags,
  summary: 'Take a complaint into review, or close it with the outcome the complainant reads (supervisor who may review its flag).',
  security: bearerSecurity,
  request: { params: idParam, body: { content: { 'application/json': { schema: complaintTransitionInput } }, required: true } },
  responses: {
    200: {
      description: 'Moved',
      content: { 'application/json': { schema: z.object({ id: z.string(), status: z.string(), outcome: z.string().nullable(), auditIndex: z.number().int() }) } },
    },
    ...problemResponses,
    ...problems(404, 409),
  },
});

export const complaintsRoutes = createRouter()
  .openapi(fileRoute, async (c) => c.json(await fileComplaint({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(importRoute, async (c) => {
    if (!/^text\/csv\b/i.test(c.req.header('content-type') ?? '')) {
      throw new ApiError(415, 'unsupported_media_type', 'Send the hotline export as text/csv.');
    }
    return c.json(await importComplaints({ ctx: c.get('ctx'), input: { csv: new Uint8Array(await c.req.arrayBuffer()) } }), 201);
  })
  .openapi(listRoute, async (c) => c.json(await listComplaints({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200))
  .openapi(summaryRoute, async (c) => c.json(await complaintSummary({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200))
  .openapi(summaryCsvRoute, async (c) => {
    const { filename, body } = await complaintSummaryCsv({ ctx: c.get('ctx'), input: c.req.valid('query') });
    return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` });
  })
  .openapi(getRoute, async (c) => c.json(await getComplaint({ ctx: c.get('ctx'), input: c.req.valid('param') }), 200))
  .openapi(transitionRoute, async (c) =>
    c.json(await transitionComplaint({ ctx: c.get('ctx'), input: { id: c.req.valid('param').id, ...c.req.valid('json') } }), 200),
  )
  .route('/', complaintPages);

// The public tracking pages are HTML (page-routes.ts); described here so /openapi.json lists them.
const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
complaintsRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/c/{receipt}',
  tags,
  summary: 'Public: where a complaint stands, by its receipt (zh-CN by default, ?lang=en). No names.',
  request: { params: z.object({ receipt: z.string().regex(/^[A-Za-z0-9 -]{1,64}$/, 'a receipt: letters, digits, spaces and dashes').openapi({ example: 'K7QF-3M9X-0A2B-HJ4T-WW81' }) }), query: langQuery },
  responses: { 200: html('Status and outcome.'), 404: html('Unknown receipt.'), 429: html('Too many unknown receipts from this address.') },
});
complaintsRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/c',
  tags,
  summary: 'Public: a form to type a receipt in (`?receipt=` looks it up).',
  request: { query: langQuery.extend({ receipt: z.string().optional() }) },
  responses: { 200: html('The form.'), 303: { description: 'To /c/{receipt}.' }, 400: html('A receipt that is not well formed.'), 404: html('Unknown receipt.'), 429: html('Too many unknown receipts from this address.') },
});
