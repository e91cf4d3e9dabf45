import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../core/http.js';
import { pageSchema } from '../core/pagination.js';
import { createSelectSchema, int } from '../core/rows.js';
import { adjustments, appeals, gradingRuns } from '../../db/schema.js';
import { allowRoles } from '../auth/middleware.js';
import { ProblemSchema, bearerSecurity } from '../core/openapi.js';
import { startRun, startRunInput } from './compute-run.js';
import { getRun, listRuns } from './list-runs.js';
import { getResult, listResults, myGrades } from './results.js';
import { resultFilterShape } from './result-filters.js';
import { publishRun } from './publish-run.js';
import { exportProvisionalCsv, exportRunCsv } from './export-run.js';
import { discardRun, discardRunInput } from './discard-run.js';
import { correctionsCsv, correctionsQuery } from './corrections.js';
import { decideAdjustment, decideAdjustmentInput, listAdjustments, proposeAdjustment, proposeAdjustmentInput } from './adjustment.js';
import { decideAppeal, decideAppealInput, fileAppeal, fileAppealInput, listAppeals } from './appeal.js';
import { compareRuns, compareRunsQuery } from './compare.js';
import { gradingPages } from './page-routes.js';
import { codeParam, cursorParam, idParam as idField, idPath, limitParam, periodParam } from '../core/openapi.js';
import { annualRoutes } from './annual-routes.js';

const problems = {
  400: { description: 'Invalid input', content: { 'application/problem+json': { schema: ProblemSchema } } },
  401: { description: 'No valid token', content: { 'application/problem+json': { schema: ProblemSchema } } },
  403: { description: 'Wrong role, or about oneself', content: { 'application/problem+json': { schema: ProblemSchema } } },
  404: { description: 'Not found (or not visible to the caller)', content: { 'application/problem+json': { schema: ProblemSchema } } },
  409: { description: 'The run is published (frozen) or the item was already decided', content: { 'application/problem+json': { schema: ProblemSchema } } },
} as const;
const unprocessable = { 422: { description: 'The quarter has not started (period_not_started)', content: { 'application/problem+json': { schema: ProblemSchema } } } } as const;

const tags = ['grading'];

const limit = limitParam.optional();
const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({ description, content: { 'application/json': { schema } } });

const RunCreated = z
  .object({
    id: z.string(),
    status: z.enum(['computed', 'computing']),
    inputDigest: z.string(),
    whatIf: z.boolean(),
    provisional: z.boolean().openapi({ description: 'Computed for the quarter in progress: a what-if, never publishable' }),
    policyHash: z.string(),
    resultsDigest: z.string(),
    jobId: z.string().optional().openapi({ description: 'While `computing`: the job writing the results (GET /api/v1/jobs/{id}).' }),
  })
  .openapi('GradingRunCreated');
// Runs, adjustments and appeals are answered as their rows (runView, adjustmentView, appealView).
const Run = createSelectSchema(gradingRuns).openapi('GradingRun');
const Explanation = z.object({ 'zh-CN': z.array(z.string()), en: z.array(z.string()) });
const ResultItem = z
  .object({
    officerCode: z.string(),
    name: z.string().nullable(),
    status: z.enum(['graded', 'not_graded']),
    composite: z.number().nullable(),
    components: z.object({ workload: z.number().nullable(), assessment: z.number().nullable(), feedback: z.number().nullable(), tenure: z.number().nullable() }),
    penalty: z.number().nullable(),
    rank: z.number().int().nullable(),
    tier: z.number().int().nullable(),
    coefficient: z.number().nullable(),
    incentive: z.number().nullable().openapi({ description: 'The published payout in yuan (same as payout)' }),
    payout: z.number().nullable().openapi({ description: 'Payout in yuan: base x coefficient x active days / days in the period (policy v2), to the fen' }),
    activeDays: z.number().int(),
    effective: z
      .object({ tier: z.number().int().nullable(), coefficient: z.number().nullable(), payout: z.number().nullable(), correction: z.string().nullable().openapi({ description: 'The appeal whose correction applies; null when none' }) })
      .openapi({ description: 'What is paid: the latest correction, else the published figures' }),
    incomplete: z.boolean(),
    reason: z.string().nullable(),
    adjusted: z.object({ fromTier: z.number(), toTier: z.number(), adjustmentId: z.string() }).nullable(),
    explanation: Explanation,
  })
  .openapi('GradingResult');
const Adjustment = createSelectSchema(adjustments, { fromTier: int, toTier: int }).openapi('Adjustment');
// Not answered: who filed it, and `outcome` (the decided status again).
const Appeal = createSelectSchema(appeals, { correctedTier: int }).omit({ filedBy: true, outcome: true }).openapi('Appeal');
const idParam = idPath;

const startRunRoute = createRoute({
  middleware: allowRoles('hr'),
  method: 'post',
  path: '/api/v1/grading-runs',
  tags,
  summary: 'Compute a grading run for a period (hr). With whatIf: true, a what-if run that is never published.',
  security: bearerSecurity,
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: startRunInput,
        },
      },
    },
  },
  responses: {
    201: json(RunCreated, 'Computed'),
    202: json(RunCreated, 'Accepted: too large for one invocation of the Worker, the results are still being written (status computing); the run becomes computed when the job ends'),
    ...problems,
    ...unprocessable,
  },
});

const listRunsRoute = createRoute({
  middleware: allowRoles('hr', 'officer'),
  method: 'get',
  path: '/api/v1/grading-runs',
  tags,
  summary: 'Grading runs, newest first (hr: all; officer: published).',
  security: bearerSecurity,
  request: { query: z.object({ period: periodParam.optional(), limit, cursor: cursorParam.optional() }) },
  responses: { 200: json(pageSchema(Run)), ...problems },
});

const compareRoute = createRoute({
  middleware: allowRoles('hr'),
  method: 'get',
  path: '/api/v1/grading-runs/compare',
  tags,
  summary: 'Compare two runs of one period (hr): tier transition matrix, movers and why, distribution by peer group and team.',
  security: bearerSecurity,
  request: { query: compareRunsQuery },
  responses: { 200: json(z.object({ period: z.string(), labels: z.array(z.string()), matrix: z.array(z.array(z.number().int())), moved: z.number().int() }).passthrough().openapi('RunComparison')), ...problems },
});

const getRunRoute = createRoute({
  middleware: allowRoles('hr', 'officer'),
  method: 'get',
  path: '/api/v1/grading-runs/{id}',
  tags,
  summary: 'One run with counts per status and tier.',
  security: bearerSecurity,
  request: { params: idParam },
  responses: {
    200: json(
      Run.extend({
        counts: z.object({ graded: z.number(), notGraded: z.number() }),
        tierCounts: z.record(z.string(), z.number()),
        progress: z
          .object({ jobId: z.string(), status: z.enum(['running', 'done', 'failed']), done: z.number().int(), total: z.number().int().nullable(), error: z.string().nullable() })
          .optional()
          .openapi({ description: 'While the run is computing (or once it failed): the job writing its results.' }),
      }),
    ),
    ...problems,
  },
});

const resultsRoute = createRoute({
  middleware: allowRoles('hr'),
  method: 'get',
  path: '/api/v1/grading-runs/{id}/results',
  tags,
  summary: "A run's results by officer code (hr), optionally filtered by unit, team, effective tier and status, or searched by officer code or name.",
  security: bearerSecurity,
  request: { params: idParam, query: z.object({ limit, cursor: cursorParam.optional(), ...resultFilterShape }) },
  responses: { 200: json(pageSchema(ResultItem)), ...problems },
});

const resultRoute = createRoute({
  middleware: allowRoles('hr', 'officer'),
  method: 'get',
  path: '/api/v1/grading-runs/{id}/results/{officerCode}',
  tags,
  summary: "One officer's result with the full breakdown (hr; the officer, once published).",
  security: bearerSecurity,
  request: { params: z.object({ id: idField, officerCode: codeParam }) },
  responses: { 200: json(ResultItem.extend({ runId: z.string(), period: z.string(), runStatus: z.string(), publishedAt: z.string().nullable(), unitName: z.string().nullable(), detail: z.unknown() })), ...problems },
});

const publishRoute = createRoute({
  middleware: allowRoles('hr'),
  method: 'post',
  path: '/api/v1/grading-runs/{id}/publish',
  tags,
  summary: 'Publish a computed run (hr); it becomes immutable and visible to officers.',
  security: bearerSecurity,
  request: { params: idParam },
  responses: { 200: json(Run, 'Published'), ...problems },
});

const exportQuery = z.object({
  reasons: z.enum(['true', 'false']).optional().openapi({ description: 'true: a ninth column, `未参评原因 reason`, for the officers not graded (the console downloads this)' }),
});

const exportRoute = createRoute({
  middleware: allowRoles('hr'),
  method: 'get',
  path: '/api/v1/grading-runs/{id}/export.csv',
  tags,
  summary: 'Payroll CSV of a published run (hr): UTF-8 with BOM, CRLF; the eight columns of the contract, and with `reasons=true` a ninth saying why an officer was not graded.',
  security: bearerSecurity,
  request: { params: idParam, query: exportQuery },
  responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...problems },
});

const provisionalExportRoute = createRoute({
  middleware: allowRoles('hr'),
  method: 'get',
  path: '/api/v1/grading-runs/{id}/provisional.csv',
  tags,
  summary:
    'The full results of a run not yet published, components included, for checking in a spreadsheet (hr): UTF-8 with BOM, CRLF; marked provisional in its file name and on its first line. A published run: 409 (use export.csv).',
  security: bearerSecurity,
  request: { params: idParam },
  responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...problems },
});

const discardRoute = createRoute({
  middleware: allowRoles('hr'),
  method: 'post',
  path: '/api/v1/grading-runs/{id}/discard',
  tags,
  summary: 'Set an unpublished run aside (hr): kept, marked discarded, audited; a published run is 409.',
  security: bearerSecurity,
  request: { params: idParam, body: { required: false, content: { 'application/json': { schema: discardRunInput } } } },
  responses: { 200: json(Run, 'Discarded'), ...problems },
});

const correctionsRoute = createRoute({
  middleware: allowRoles('hr'),
  method: 'get',
  path: '/api/v1/grading-runs/{id}/corrections.csv',
  tags,
  summary: 'The corrections of a published run since a day (hr): what payroll pays in addition. UTF-8 with BOM, CRLF.',
  security: bearerSecurity,
  request: { params: idParam, query: correctionsQuery },
  responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...problems },
});

const proposeRoute = createRoute({
  middleware: allowRoles('hr'),
  method: 'post',
  path: '/api/v1/grading-runs/{id}/adjustments',
  tags,
  summary: "Propose a tier change for one officer of a computed run (hr); a different HR user decides.",
  security: bearerSecurity,
  request: { params: idParam, body: { required: true, content: { 'application/json': { schema: proposeAdjustmentInput } } } },
  responses: { 201: json(Adjustment, 'Proposed'), ...problems },
});

const listAdjustmentsRoute = createRoute({
  middleware: allowRoles('hr'),
  method: 'get',
  path: '/api/v1/grading-runs/{id}/adjustments',
  tags,
  summary: "A run's adjustments (hr).",
  security: bearerSecurity,
  request: { params: idParam, query: z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional() }) },
  responses: { 200: json(z.object({ items: z.array(Adjustment) })), ...problems },
});

const decideAdjustmentRoute = createRoute({
  middleware: allowRoles('hr'),
  method: 'post',
  path: '/api/v1/adjustments/{id}/decision',
  tags,
  summary: 'Approve or reject an adjustment (hr, not the proposer). Approval is a grade_adjustment decision.',
  security: bearerSecurity,
  request: { params: idParam, body: { required: true, content: { 'application/json': { schema: decideAdjustmentInput } } } },
  responses: { 200: json(Adjustment, 'Decided'), ...problems },
});

const fileAppealRoute = createRoute({
  middleware: allowRoles('officer'),
  method: 'post',
  path: '/api/v1/grading-runs/{id}/appeals',
  tags,
  summary: 'Appeal your own published result (officer), within 15 days of publication.',
  security: bearerSecurity,
  request: { params: idParam, body: { required: true, content: { 'application/json': { schema: fileAppealInput } } } },
  responses: { 201: json(Appeal, 'Filed'), ...problems },
});

const decideAppealRoute = createRoute({
  middleware: allowRoles('hr'),
  method: 'post',
  path: '/api/v1/appeals/{id}/decision',
  tags,
  summary: 'Uphold (with the corrected tier) or dismiss an appeal (hr who neither graded nor adjusted that officer).',
  security: bearerSecurity,
  request: { params: idParam, body: { required: true, content: { 'application/json': { schema: decideAppealInput } } } },
  responses: { 200: json(Appeal, 'Decided'), ...problems },
});

const listAppealsRoute = createRoute({
  middleware: allowRoles('hr', 'officer'),
  method: 'get',
  path: '/api/v1/appeals',
  tags,
  summary: 'Appeals (hr: all; officer: their own).',
  security: bearerSecurity,
  request: { query: z.object({ status: z.enum(['pending', 'upheld', 'dismissed']).optional(), runId: idField.optional(), limit, cursor: cursorParam.optional() }) },
  responses: { 200: json(pageSchema(Appeal)), ...problems },
});

const myGradesRoute = createRoute({
  middleware: allowRoles('officer', 'supervisor'),
  method: 'get',
  path: '/api/v1/me/grades',
  tags,
  summary: "The caller's own results in published runs (officers, and supervisors with an officer record: they are graded too).",
  security: bearerSecurity,
  responses: { 200: json(z.object({ items: z.array(ResultItem.extend({ runId: z.string(), period: z.string(), publishedAt: z.string().nullable() })) })), ...problems },
});

/** The grading API and the HR console pages. */
export const gradingRoutes = createRouter()
  .openapi(startRunRoute, async (c) => {
    const out = await startRun({ ctx: c.get('ctx'), input: c.req.valid('json') });
    return out.status === 'computed' ? c.json(out, 201) : c.json(out, 202);
  })
  .openapi(listRunsRoute, async (c) => c.json(await listRuns({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200))
  .openapi(compareRoute, async (c) => c.json(await compareRuns({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200))
  .openapi(getRunRoute, async (c) => c.json(await getRun({ ctx: c.get('ctx'), input: c.req.valid('param') }), 200))
  .openapi(resultsRoute, async (c) => c.json(await listResults({ ctx: c.get('ctx'), input: { ...c.req.valid('param'), ...c.req.valid('query') } }), 200))
  .openapi(resultRoute, async (c) => c.json((await getResult({ ctx: c.get('ctx'), input: c.req.valid('param') })) as never, 200))
  .openapi(publishRoute, async (c) => c.json(await publishRun({ ctx: c.get('ctx'), input: c.req.valid('param') }), 200))
  .openapi(exportRoute, async (c) => {
    const { filename, body } = await exportRunCsv({ ctx: c.get('ctx'), input: { ...c.req.valid('param'), reasons: c.req.valid('query').reasons === 'true' } });
    return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` });
  })
  .openapi(provisionalExportRoute, async (c) => {
    const { filename, body } = await exportProvisionalCsv({ ctx: c.get('ctx'), input: c.req.valid('param') });
    return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` });
  })
  .openapi(discardRoute, async (c) => c.json(await discardRun({ ctx: c.get('ctx'), input: { id: c.req.valid('param').id, ...((c.req.valid('json') as { reason?: string } | undefined) ?? {}) } }), 200))
  .openapi(correctionsRoute, async (c) => {
    const { filename, body } = await correctionsCsv({ ctx: c.get('ctx'), input: { id: c.req.valid('param').id, ...c.req.valid('query') } });
    return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` });
  })
  .openapi(proposeRoute, async (c) => c.json(await proposeAdjustment({ ctx: c.get('ctx'), input: { runId: c.req.valid('param').id, ...c.req.valid('json') } }), 201))
  .openapi(listAdjustmentsRoute, async (c) => c.json(await listAdjustments({ ctx: c.get('ctx'), input: { runId: c.req.valid('param').id, ...c.req.valid('query') } }), 200))
  .openapi(decideAdjustmentRoute, async (c) => c.json(await decideAdjustment({ ctx: c.get('ctx'), input: { id: c.req.valid('param').id, ...c.req.valid('json') } }), 200))
  .openapi(fileAppealRoute, async (c) => c.json(await fileAppeal({ ctx: c.get('ctx'), input: { runId: c.req.valid('param').id, ...c.req.valid('json') } }), 201))
  .openapi(decideAppealRoute, async (c) => c.json(await decideAppeal({ ctx: c.get('ctx'), input: { id: c.req.valid('param').id, ...c.req.valid('json') } }), 200))
  .openapi(listAppealsRoute, async (c) => c.json(await listAppeals({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200))
  .openapi(myGradesRoute, async (c) => c.json((await myGrades({ ctx: c.get('ctx') })) as never, 200))
  .route('/', annualRoutes)
  .route('/', gradingPages);
