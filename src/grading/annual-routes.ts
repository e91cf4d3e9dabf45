/** The year's API (API.md "The year"): annual reviews, their results, publication, export, appeals. */
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../core/http.js';
import { pageSchema } from '../core/pagination.js';
import { allowRoles } from '../auth/middleware.js';
import { ProblemSchema, bearerSecurity, codeParam, cursorParam, idParam as idField, idPath, limitParam } from '../core/openapi.js';
import { annualGrades } from '../../scoring/index.js';
import { computeAnnualReview, computeReviewInput } from './annual-compute.js';
import { getAnnualResult, getReview, listAnnualResults, listReviews, myAnnualResults } from './annual-read.js';
import { publishAnnualReview } from './annual-publish.js';
import { exportAnnualCsv } from './annual-export.js';
import { decideAnnualAppeal, decideAnnualAppealInput, fileAnnualAppeal, fileAnnualAppealInput, listAnnualAppeals } from './annual-appeal.js';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const problems = {
  400: problem('Invalid input'),
  401: problem('No valid token'),
  403: problem('Wrong role, about oneself, or publishing a review one computed'),
  404: problem('Not found (or not visible to the caller)'),
  409: problem('Quarters without a published run, the review is published or a what-if, or the item was already decided'),
} as const;
const tags = ['year'];
const limit = limitParam.optional();
const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const idParam = idPath;
const Grade = z.enum(annualGrades);

const Review = z
  .object({
    id: z.string(),
    year: z.number().int(),
    status: z.enum(['computed', 'published', 'discarded']),
    whatIf: z.boolean(),
    policyHash: z.string(),
    inputDigest: z.string(),
    resultsDigest: z.string(),
    runs: z.array(z.string()),
    runDigests: z.array(z.object({ period: z.string(), runId: z.string(), inputDigest: z.string(), resultsDigest: z.string() })),
    createdBy: z.string(),
    createdAt: z.string(),
    publishedBy: z.string().nullable(),
    publishedAt: z.string().nullable(),
  })
  .openapi('AnnualReview');
const Created = z
  .object({ id: z.string(), status: z.literal('computed'), year: z.number().int(), inputDigest: z.string(), resultsDigest: z.string(), policyHash: z.string(), whatIf: z.boolean(), runs: z.array(z.string()) })
  .openapi('AnnualReviewCreated');
const Item = z
  .object({
    officerCode: z.string(),
    name: z.string().nullable(),
    unitCode: z.string().nullable(),
    status: z.enum(['rated', 'not_rated']),
    reason: z.string().nullable(),
    score: z.number().nullable(),
    quarters: z.array(z.object({ period: z.string(), composite: z.number(), activeDays: z.number().int(), tier: z.number().int() })),
    activeDays: z.number().int(),
    tieBreakQuarters: z.number().int(),
    rank: z.number().int().nullable(),
    grade: Grade.nullable(),
    placement: z.unknown(),
    effective: z.object({ grade: Grade.nullable(), correction: z.string().nullable() }),
    explanation: z.object({ 'zh-CN': z.array(z.string()), en: z.array(z.string()) }),
  })
  .openapi('AnnualResult');
const Appeal = z
  .object({
    id: z.string(),
    reviewId: z.string(),
    officerCode: z.string(),
    reason: z.string(),
    filedAt: z.string(),
    status: z.enum(['pending', 'upheld', 'dismissed']),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionReason: z.string().nullable(),
    correctedGrade: Grade.nullable(),
  })
  .openapi('AnnualAppeal');

const route = <R extends Parameters<typeof createRoute>[0]>(r: R) => createRoute({ ...r, tags, security: bearerSecurity });

const computeRoute = route({
  middleware: allowRoles('hr'),
  method: 'post',
  path: '/api/v1/annual-reviews',
  summary: "Grade a year from its four published quarterly runs (hr); 409 naming the quarters without one. With a candidate policy: a what-if, never published.",
  request: { body: { required: true, content: { 'application/json': { schema: computeReviewInput } } } },
  responses: { 201: json(Created, 'Computed'), ...problems },
});
const listRoute = route({
  middleware: allowRoles('hr', 'officer'),
  method: 'get',
  path: '/api/v1/annual-reviews',
  summary: 'Annual reviews, newest first (hr: all; officer: published).',
  request: { query: z.object({ year: z.coerce.number().int().optional(), limit, cursor: cursorParam.optional() }) },
  responses: { 200: json(pageSchema(Review)), ...problems },
});
const getRoute = route({
  middleware: allowRoles('hr', 'officer'),
  method: 'get',
  path: '/api/v1/annual-reviews/{id}',
  summary: 'One annual review with its counts, quota usage and grade counts (as computed and effective).',
  request: { params: idParam },
  responses: { 200: json(Review.extend({ counts: z.object({ rated: z.number(), notRated: z.number() }) }).passthrough()), ...problems },
});
const resultsRoute = route({
  middleware: allowRoles('hr'),
  method: 'get',
  path: '/api/v1/annual-reviews/{id}/results',
  summary: "A review's results by officer code (hr).",
  request: { params: idParam, query: z.object({ limit, cursor: cursorParam.optional() }) },
  responses: { 200: json(pageSchema(Item)), ...problems },
});
const resultRoute = route({
  middleware: allowRoles('hr', 'officer'),
  method: 'get',
  path: '/api/v1/annual-reviews/{id}/results/{officerCode}',
  summary: "One officer's annual result (hr; the officer, once published).",
  request: { params: idPath.extend({ officerCode: codeParam }) },
  responses: { 200: json(Item.extend({ reviewId: z.string(), year: z.number().int(), reviewStatus: z.string(), publishedAt: z.string().nullable() }).passthrough()), ...problems },
});
const publishRoute = route({
  middleware: allowRoles('hr'),
  method: 'post',
  path: '/api/v1/annual-reviews/{id}/publish',
  summary: 'Publish an annual review (hr, not the user who computed it); it becomes immutable and visible to officers.',
  request: { params: idParam },
  responses: { 200: json(Review, 'Published'), ...problems },
});
const exportRoute = route({
  middleware: allowRoles('hr'),
  method: 'get',
  path: '/api/v1/annual-reviews/{id}/export.csv',
  summary: 'Excel-ready CSV of a published annual review (hr): UTF-8 with BOM, CRLF; effective grades.',
  request: { params: idParam },
  responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...problems },
});
const fileAppealRoute = route({
  middleware: allowRoles('officer'),
  method: 'post',
  path: '/api/v1/annual-reviews/{id}/appeals',
  summary: 'Appeal your own annual result (officer), within 15 days of publication.',
  request: { params: idParam, body: { required: true, content: { 'application/json': { schema: fileAnnualAppealInput } } } },
  responses: { 201: json(Appeal, 'Filed'), ...problems },
});
const decideAppealRoute = route({
  middleware: allowRoles('hr'),
  method: 'post',
  path: '/api/v1/annual-appeals/{id}/decision',
  summary: 'Uphold (with the corrected grade) or dismiss an annual appeal (hr who neither computed nor published the review).',
  request: { params: idParam, body: { required: true, content: { 'application/json': { schema: decideAnnualAppealInput } } } },
  responses: { 200: json(Appeal, 'Decided'), ...problems },
});
const listAppealsRoute = route({
  middleware: allowRoles('hr', 'officer'),
  method: 'get',
  path: '/api/v1/annual-appeals',
  summary: 'Annual appeals (hr: all; officer: their own).',
  request: { query: z.object({ status: z.enum(['pending', 'upheld', 'dismissed']).optional(), reviewId: idField.optional(), limit, cursor: cursorParam.optional() }) },
  responses: { 200: json(pageSchema(Appeal)), ...problems },
});
const mineRoute = route({
  middleware: allowRoles('officer', 'supervisor'),
  method: 'get',
  path: '/api/v1/me/annual-results',
  summary: "The caller's own results in published annual reviews.",
  responses: { 200: json(z.object({ items: z.array(Item.extend({ reviewId: z.string(), year: z.number().int(), publishedAt: z.string().nullable(), rated: z.number().int() })) })), ...problems },
});

const csv = (filename: string) => ({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` });

export const annualRoutes = createRouter()
  .openapi(computeRoute, async (c) => c.json(await computeAnnualReview({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(listRoute, async (c) => c.json(await listReviews({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200))
  .openapi(getRoute, async (c) => c.json((await getReview({ ctx: c.get('ctx'), input: c.req.valid('param') })), 200))
  .openapi(resultsRoute, async (c) => c.json((await listAnnualResults({ ctx: c.get('ctx'), input: { ...c.req.valid('param'), ...c.req.valid('query') } })), 200))
  .openapi(resultRoute, async (c) => c.json((await getAnnualResult({ ctx: c.get('ctx'), input: c.req.valid('param') })), 200))
  .openapi(publishRoute, async (c) => c.json((await publishAnnualReview({ ctx: c.get('ctx'), input: c.req.valid('param') })), 200))
  .openapi(exportRoute, async (c) => {
    const { filename, body } = await exportAnnualCsv({ ctx: c.get('ctx'), input: c.req.valid('param') });
    return c.body(body, 200, csv(filename));
  })
  .openapi(fileAppealRoute, async (c) => c.json((await fileAnnualAppeal({ ctx: c.get('ctx'), input: { reviewId: c.req.valid('param').id, ...c.req.valid('json') } })), 201))
  .openapi(decideAppealRoute, async (c) => c.json((await decideAnnualAppeal({ ctx: c.get('ctx'), input: { id: c.req.valid('param').id, ...c.req.valid('json') } })), 200))
  .openapi(listAppealsRoute, async (c) => c.json((await listAnnualAppeals({ ctx: c.get('ctx'), input: c.req.valid('query') })), 200))
  .openapi(mineRoute, async (c) => c.json((await myAnnualResults({ ctx: c.get('ctx') })), 200));
