/**
 * Filing a complaint: the one write path of a new complaint, whatever its channel. The API, the
 * staff page, the hotline import and the taxpayer form all plan it with `planComplaint` and
 * commit its writes with their own (the form with its response, an import with its other rows).
 */
import { inArray, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { complaints, feedbackResponses, officers, taxpayers, units } from '../../db/schema.js';
import { actorLabel, refuseOwnCase, requireRole, type Ctx } from '../core/context.js';
import { ApiError, badRequest, type FieldError } from '../core/errors.js';
import { isUniqueViolation } from '../../db/errors.js';
import { newId, randomToken } from '../core/ids.js';
import { isValidDate, periodOf } from '../core/period.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { commit, type AuditEvent, type Write } from '../audit/append.js';
import { guarded } from '../audit/guarded.js';
import { complaintFlag, planRaises } from '../flags/raise.js';
import { complaintCommitment } from './commitment.js';
import { newReceipt, receiptHash } from './receipt.js';
import {
  COMPLAINT_FLAG_SEVERITY,
  COMPLAINT_TEXT_MAX,
  RECEIVED_AT_SKEW_MS,
  complaintCategories,
  enteredChannels,
  type ComplaintCategory,
  type ComplaintChannel,
} from './policy.js';
import { freeText } from '../core/text.js';

const code = z.string().trim().min(1).max(64);

/** `YYYY-MM-DD` (a letter's date: midnight UTC) or an ISO 8601 time with a zone, as UTC. */
export const receivedAtField = z
  .string()
  .trim()
  .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) || z.iso.datetime({ offset: true }).safeParse(s).success, 'a date YYYY-MM-DD or an ISO 8601 time with its zone')
  // Date would take 2026-02-30 for 2026-03-02: the calendar day is checked first.
  .refine((s) => isValidDate(s.slice(0, 10)), 'not a real date')
  .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00.000Z` : s))
  .transform((d) => d.toISOString());

/** The complaint's text: trimmed, not blank, at most COMPLAINT_TEXT_MAX characters (CRLF counted once). */
export const complaintTextField = freeText(z.string())
  .transform((s) => s.replace(/\r\n?/g, '\n').trim())
  .refine((s) => s.length > 0, 'describe the complaint')
  .refine((s) => [...s].length <= COMPLAINT_TEXT_MAX, `at most ${COMPLAINT_TEXT_MAX} characters`);

export const fileComplaintInput = z
  .object({
    channel: z.enum(enteredChannels),
    category: z.enum(complaintCategories),
    text: complaintTextField,
    officerCode: code.optional(),
    unitCode: code.optional(),
    taxpayerCode: code.optional(),
    receivedAt: receivedAtField,
    /** The sending system's own reference (a 12366 ticket number); a second complaint with it is 409. */
    sourceRef: z.string().trim().min(1).max(100).optional(),
  })
  .openapi('FileComplaint');
export type FileComplaintInput = z.output<typeof fileComplaintInput>;

export const filedOutput = z
  .object({ id: z.string(), receipt: z.string(), trackingUrl: z.string(), auditIndex: z.number().int() })
  .openapi('FiledComplaint');

/** What any channel hands to planComplaint, checked already. */
export interface ComplaintDraft {
  channel: ComplaintChannel;
  category: ComplaintCategory;
  text: string;
  officerCode?: string | null;
  unitCode?: string | null;
  taxpayerCode?: string | null;
  receivedAt: string;
  /** The response whose form carried it (channel `form`). */
  responseId?: string | null;
  /** The sending system's reference (a hotline ticket); unique. */
  sourceRef?: string | null;
}

export interface PlannedComplaint {
  id: string;
  /** Shown once to whoever filed it, for the complainant. */
  receipt: string;
  trackingUrl: string;
  flagId: string | null;
  writes: Write[];
  /** The `complaint.file` event first, then the flag's. */
  events: AuditEvent[];
}

export function trackingUrl(ctx: Pick<Ctx, 'config'>, receipt: string): string {
  return `${ctx.config.publicUrl}/c/${receipt}`;
}

/** The master data a set of drafts names: officers (with their unit), units and taxpayers that exist. */
export interface KnownReferences {
  officers: Map<string, string>;
  units: Set<string>;
  taxpayers: Set<string>;
}

type References = Pick<ComplaintDraft, 'officerCode' | 'unitCode' | 'taxpayerCode'>;

/** Reads which of the codes the drafts name exist, a few chunked queries whatever their number. */
export async function loadReferences(ctx: Pick<Ctx, 'db'>, drafts: readonly References[]): Promise<KnownReferences> {
  const codes = (k: keyof References) => [...new Set(drafts.flatMap((d) => (d[k] ? [d[k]!] : [])))];
  const chunked = async <T>(list: string[], read: (chunk: string[]) => Promise<T[]>) => {
    const out: T[] = [];
    for (let i = 0; i < list.length; i += 500) out.push(...(await read(list.slice(i, i + 500))));
    return out;
  };
  const [os, us, ts] = await Promise.all([
    chunked(codes('officerCode'), (c) => ctx.db.select({ code: officers.code, unitCode: officers.unitCode }).from(officers).where(inArray(officers.code, c))),
    chunked(codes('unitCode'), (c) => ctx.db.select({ code: units.code }).from(units).where(inArray(units.code, c))),
    chunked(codes('taxpayerCode'), (c) => ctx.db.select({ code: taxpayers.code }).from(taxpayers).where(inArray(taxpayers.code, c))),
  ]);
  return { officers: new Map(os.map((o) => [o.code, o.unitCode])), units: new Set(us.map((u) => u.code)), taxpayers: new Set(ts.map((t) => t.code)) };
}

/**
 * A draft's references checked against what exists: each unknown code is a field error (`path`
 * as the caller names it, e.g. `line 3: officerCode`). The unit defaults to the officer's unit.
 */
export function checkReferences(known: KnownReferences, d: References, path: (field: string) => string = (f) => f): { unitCode: string | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (d.officerCode && !known.officers.has(d.officerCode)) errors.push({ path: path('officerCode'), message: `no officer ${d.officerCode}` });
  if (d.unitCode && !known.units.has(d.unitCode)) errors.push({ path: path('unitCode'), message: `no unit ${d.unitCode}` });
  if (d.taxpayerCode && !known.taxpayers.has(d.taxpayerCode)) errors.push({ path: path('taxpayerCode'), message: `no taxpayer ${d.taxpayerCode}` });
  return { unitCode: d.unitCode ?? (d.officerCode ? (known.officers.get(d.officerCode) ?? null) : null), errors };
}

/**
 * Plans (does not write) complaints: each its row with a fresh receipt and its `complaint.file`
 * leaf (a commitment, never the text or the taxpayer), and for each naming an officer the
 * `complaint` flag, planned by the flags domain for all of them at once. The flag's evidence says
 * what kind of complaint it is (category, channel), never its text: flags are shown to more
 * people than complaints are, the subject officer among them.
 */
export async function planComplaints(ctx: Ctx, drafts: readonly (ComplaintDraft & { unitCode: string | null })[]): Promise<PlannedComplaint[]> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const base = drafts.map((d) => ({ d, id: newId('cmp', now), period: periodOf(d.receivedAt) }));
  const raises = await planRaises(
    ctx,
    base.flatMap(({ d, id, period }) =>
      d.officerCode
        ? [complaintFlag({ complaintId: id, officerCode: d.officerCode, category: d.category, channel: d.channel, period, severity: COMPLAINT_FLAG_SEVERITY })]
        : [],
    ),
  );
  const raiseOf = new Map(raises.map((r) => [r.candidate.conditionKey, r]));
  return base.map(({ d, id, period }) => {
    const receipt = newReceipt();
    const nonce = randomToken(16);
    const record = {
      id,
      channel: d.channel,
      category: d.category,
      officerCode: d.officerCode ?? null,
      unitCode: d.unitCode,
      taxpayerCode: d.taxpayerCode ?? null,
      responseId: d.responseId ?? null,
      receivedAt: d.receivedAt,
    };
    const raised = raiseOf.get(`complaint:${id}`);
    const flagId = raised?.flagId ?? null;
    return {
      id,
      receipt,
      trackingUrl: trackingUrl(ctx, receipt),
      flagId,
      writes: [
        ctx.db.insert(complaints).values({
          ...record,
          // A complaint carried by a response goes in only with its response: when the response
          // statement of the same batch wrote nothing (its token was used meanwhile), a NULL id
          // fails the NOT NULL key and the whole batch with it (audit/guarded.ts).
          ...(record.responseId ? { id: guarded(id, sql`exists (select 1 from ${feedbackResponses} where ${feedbackResponses.id} = ${record.responseId})`) } : {}),
          text: d.text,
          sourceRef: d.sourceRef ?? null,
          createdAt: at,
          createdBy: ctx.actor.kind === 'user' ? ctx.actor.userId : actorLabel(ctx.actor),
          receiptHash: receiptHash(receipt),
          commitmentNonce: nonce,
          status: 'received',
          updatedAt: at,
          flagId,
        }),
        ...(raised?.writes ?? []),
      ],
      events: [
        {
          action: 'complaint.file',
          entity: 'complaint',
          entityId: id,
          payload: {
            channel: d.channel,
            category: d.category,
            period,
            unitCode: d.unitCode,
            flagId,
            commitment: complaintCommitment({ nonce, ...record, sourceRef: d.sourceRef ?? null, text: d.text }),
          },
        },
        ...(raised?.events ?? []),
      ],
    };
  });
}

/** One complaint's plan (planComplaints of one). */
export async function planComplaint(ctx: Ctx, d: ComplaintDraft & { unitCode: string | null }): Promise<PlannedComplaint> {
  const [plan] = await planComplaints(ctx, [d]);
  return plan!;
}

/** A received-at in the future (beyond a little clock skew) is a typing error, not a complaint from tomorrow. */
export function checkReceivedAt(ctx: Pick<Ctx, 'clock'>, receivedAt: string, path = 'receivedAt'): FieldError | null {
  return Date.parse(receivedAt) > ctx.clock.now().getTime() + RECEIVED_AT_SKEW_MS ? { path, message: 'in the future' } : null;
}

/**
 * Intake (the hotline and hall systems), HR or a supervisor records a complaint from any channel
 * but the form. 201 with the receipt to pass on to the complainant. Nobody enters a complaint
 * about themselves (they would be the first to read it, and could file it away).
 */
export async function fileComplaint({ ctx, input: given }: { ctx: Ctx; input: Unchecked<FileComplaintInput> }) {
  requireRole(ctx.actor, 'intake', 'hr', 'supervisor');
  const input = parseInput(fileComplaintInput, given);
  refuseOwnCase(ctx.actor, input.officerCode, 'entering a complaint about oneself');
  const { unitCode, errors } = checkReferences(await loadReferences(ctx, [input]), input);
  const future = checkReceivedAt(ctx, input.receivedAt);
  if (future) errors.push(future);
  if (errors.length) throw badRequest('The complaint names something that does not exist, or a time to come.', errors);
  if (input.sourceRef) await refuseKnownSourceRefs(ctx, [input.sourceRef], () => 'sourceRef');
  const plan = await planComplaint(ctx, { ...input, unitCode });
  const { auditIndices } = await commitComplaints(ctx, plan.writes, plan.events);
  return { id: plan.id, receipt: plan.receipt, trackingUrl: plan.trackingUrl, auditIndex: auditIndices[0]! };
}

const alreadyRecorded = (errors: FieldError[]) =>
  new ApiError(409, 'complaint_already_recorded', 'A complaint with this source reference is already recorded.', errors);

/** 409 naming each reference that is already recorded (`path` says where it came from). */
export async function refuseKnownSourceRefs(ctx: Pick<Ctx, 'db'>, refs: readonly string[], path: (ref: string) => string): Promise<void> {
  const known = new Set<string>();
  for (let i = 0; i < refs.length; i += 500) {
    const rows = await ctx.db.select({ ref: complaints.sourceRef }).from(complaints).where(inArray(complaints.sourceRef, refs.slice(i, i + 500)));
    for (const r of rows) if (r.ref) known.add(r.ref);
  }
  if (known.size) throw alreadyRecorded(refs.filter((r) => known.has(r)).map((r) => ({ path: path(r), message: `${r} is already recorded` })));
}

/** commit(), with two writers racing on one source reference answered 409 like the check before. */
export async function commitComplaints(ctx: Ctx, writes: Write[], events: AuditEvent[]) {
  try {
    return await commit(ctx, writes, events);
  } catch (err) {
    if (isUniqueViolation(err, 'source_ref')) throw alreadyRecorded([{ path: 'sourceRef', message: 'already recorded' }]);
    throw err;
  }
}
