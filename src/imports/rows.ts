/**
 * What an import is made of: the row schemas of each kind (exported: the demo generator,
 * benchmarks and the OpenAPI document use them), the result, the limits, and the collector of
 * problems that every stage adds to, each naming its row as JSON path or CSV line.
 */
import { z } from '@hono/zod-openapi';
import { badRequest, type FieldError } from '../core/errors.js';
import { taxpayerCategories } from '../../db/schema.js';
import { isValidDate, periodPattern } from '../core/period.js';
import { assessmentCategories, workloadKinds } from '../../scoring/policy.js';
import { countPlaces, hasPlaces } from '../../scoring/decimal.js';

const required = (what: string) => (iss: { input: unknown }) =>
  iss.input === undefined || iss.input === null ? 'required' : `expected ${what}`;

const text = (max = 200) => z.string({ error: required('text') }).trim().min(1, 'required').max(max, `at most ${max} characters`);
const code = () => text(64);
const date = () =>
  z.string({ error: required('a date YYYY-MM-DD') }).refine(isValidDate, 'expected a real date YYYY-MM-DD');
const num = () => z.number({ error: required('a number') }).finite('expected a finite number');
const period = () =>
  z.string({ error: required('a period YYYYQn') }).regex(periodPattern, 'expected a period YYYYQn, e.g. 2026Q3');

export const unitRow = z.strictObject({ code: code(), name: text(), peerGroup: text(64) }).openapi('ImportUnit');

export const officerRow = z
  .strictObject({
    code: code(),
    name: text(),
    unitCode: code(),
    team: text(64),
    hireDate: date(),
    positionStartDate: date(),
    leaveDate: date().optional(),
    supervisorCode: code().optional(),
  })
  .superRefine((o, ctx) => {
    // Only real dates compare (a bad one is reported by its own field).
    if (!isValidDate(o.hireDate)) return;
    // Tenure counts time in the position at this bureau, which cannot start before the hire.
    if (isValidDate(o.positionStartDate) && o.positionStartDate < o.hireDate) {
      ctx.addIssue({ code: 'custom', path: ['positionStartDate'], message: `must be on or after hireDate (${o.hireDate})` });
    }
    if (o.leaveDate !== undefined && isValidDate(o.leaveDate) && o.leaveDate < o.hireDate) {
      ctx.addIssue({ code: 'custom', path: ['leaveDate'], message: `must be on or after hireDate (${o.hireDate})` });
    }
    if (o.supervisorCode !== undefined && o.supervisorCode === o.code) {
      ctx.addIssue({ code: 'custom', path: ['supervisorCode'], message: 'an officer cannot be their own supervisor' });
    }
  })
  .openapi('ImportOfficer');

export const taxpayerRow = z
  .strictObject({
    code: code(),
    name: text(),
    category: z.enum(taxpayerCategories, { error: `expected one of ${taxpayerCategories.join(', ')}` }),
  })
  .openapi('ImportTaxpayer');

export const assignmentRow = z
  .strictObject({ taxpayerCode: code(), officerCode: code(), from: date(), to: date().optional() })
  .superRefine((a, ctx) => {
    if (a.to !== undefined && isValidDate(a.to) && isValidDate(a.from) && a.to <= a.from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must be after from (${a.from})` });
    }
  })
  .openapi('ImportAssignment');

const known = (what: string, list: () => string[]) =>
  z.string({ error: required(what) }).superRefine((v, ctx) => {
    const names = list();
    if (!names.includes(v)) ctx.addIssue({ code: 'custom', message: `unknown ${what} "${v}"; the policy knows ${names.join(', ')}` });
  });

export const workloadRow = z
  .strictObject({
    officerCode: code(),
    period: period(),
    kind: known('workload kind', workloadKinds),
    // Workload points are summed exactly from counts read as decimals of at most 6 places (docs/grading.md).
    count: num().nonnegative('must be 0 or more').refine((x) => hasPlaces(x, countPlaces), `at most ${countPlaces} decimal places`),
  })
  .openapi('ImportWorkload');

export const assessmentRow = z
  .strictObject({
    officerCode: code(),
    category: known('assessment category', assessmentCategories),
    raw: num().nonnegative('must be 0 or more'),
    max: num().positive('must be more than 0'),
    takenOn: date(),
  })
  .superRefine((a, ctx) => {
    if (Number.isFinite(a.raw) && Number.isFinite(a.max) && a.raw > a.max) ctx.addIssue({ code: 'custom', path: ['raw'], message: `must not exceed max (${a.max})` });
  })
  .openapi('ImportAssessment');

export const thresholdRow = z
  .strictObject({
    decisionType: code(),
    amount: num().positive('must be more than 0'),
    validFrom: date(),
    validTo: date().optional(),
  })
  .superRefine((t, ctx) => {
    // validTo is the last day in force (decisions look thresholds up with validTo >= date).
    if (t.validTo !== undefined && isValidDate(t.validTo) && isValidDate(t.validFrom) && t.validTo < t.validFrom) {
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: `must be on or after validFrom (${t.validFrom})` });
    }
  })
  .openapi('ImportThreshold');

export const rowSchemas = {
  units: unitRow,
  officers: officerRow,
  taxpayers: taxpayerRow,
  assignments: assignmentRow,
  workload: workloadRow,
  assessments: assessmentRow,
  thresholds: thresholdRow,
} as const;

export type ImportKind = keyof typeof rowSchemas;
/** In write order: referenced rows before the rows that reference them. */
export const importKinds = ['units', 'officers', 'taxpayers', 'assignments', 'workload', 'assessments', 'thresholds'] as const satisfies readonly ImportKind[];

export const importInput = z
  .strictObject({
    units: z.array(unitRow).optional(),
    officers: z.array(officerRow).optional(),
    taxpayers: z.array(taxpayerRow).optional(),
    assignments: z.array(assignmentRow).optional(),
    workload: z.array(workloadRow).optional(),
    assessments: z.array(assessmentRow).optional(),
    thresholds: z.array(thresholdRow).optional(),
  })
  .openapi('ImportInput');

export type ImportInput = z.input<typeof importInput>;
export type UnitRow = z.output<typeof unitRow>;
export type OfficerRow = z.output<typeof officerRow>;
export type TaxpayerRow = z.output<typeof taxpayerRow>;
export type AssignmentRow = z.output<typeof assignmentRow>;
export type WorkloadRow = z.output<typeof workloadRow>;
export type AssessmentRow = z.output<typeof assessmentRow>;
export type ThresholdRow = z.output<typeof thresholdRow>;

export interface Rows {
  units: UnitRow[];
  officers: OfficerRow[];
  taxpayers: TaxpayerRow[];
  assignments: AssignmentRow[];
  workload: WorkloadRow[];
  assessments: AssessmentRow[];
  thresholds: ThresholdRow[];
}

export const importResult = z
  .object({
    importId: z.string(),
    imported: z.record(z.string(), z.number().int()),
  })
  .openapi('ImportResult');

export type ImportResult = z.infer<typeof importResult>;

export interface ImportOptions {
  /**
   * Most bound parameters in one statement. Default 100 (Cloudflare D1's limit); a libsql-only
   * caller such as a benchmark may raise it (SQLite allows 32,766) for fewer, larger statements.
   */
  maxParams?: number;
  /**
   * Most characters of the one JSON parameter that carries a statement's rows. Default
   * {@link MAX_JSON_CHARS}; tests lower it to see rows split over many statements.
   */
  maxJsonChars?: number;
}

/**
 * 300,000 UTF-16 units are at most 900,000 bytes of UTF-8 (3 bytes per unit at worst, names in
 * Chinese), under D1's 1,000,000-byte limit for one string; libsql has no practical limit.
 */
export const MAX_JSON_CHARS = 300_000;

/** Rows whose audit entry carries the rows themselves; bigger imports carry the digest only. */
export const AUDIT_INLINE_ROWS = 1000;
/** At most this many row errors go into one response (the detail says how many there were). */
export const MAX_REPORTED_ERRORS = 10_000;

/** Where a bad row is: JSON paths (`officers[3].hireDate`) or CSV lines (`line 12: hireDate`). */
export type Locate = (kind: string, index: number | null, field: string | null) => string;

export const jsonLocate: Locate = (kind, index, field) =>
  `${kind}${index === null ? '' : `[${index}]`}${field ? `.${field}` : ''}`;

/** The problems found so far, in the order found; `add` names the row with `locate`. */
export interface Problems {
  readonly errors: FieldError[];
  readonly locate: Locate;
  add(kind: string, index: number | null, field: string | null, message: string): void;
}

export function problems(locate: Locate, earlier: FieldError[] = []): Problems {
  const errors = [...earlier];
  return { errors, locate, add: (kind, index, field, message) => errors.push({ path: locate(kind, index, field), message }) };
}

export function isKind(kind: string): kind is ImportKind {
  return (importKinds as readonly string[]).includes(kind);
}

export function importErrors(errors: FieldError[], total: number) {
  const shown = errors.slice(0, MAX_REPORTED_ERRORS);
  const more = total > shown.length ? ` (the first ${shown.length} are listed)` : '';
  return badRequest(`The import has ${total} problem${total === 1 ? '' : 's'}${more}; nothing was written.`, shown).say('import_rejected', { n: total });
}
