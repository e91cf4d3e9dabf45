/**
 * The taxpayer's side: opening the form and submitting it. A submission is one response row, the
 * invitation marked used and the audit leaf that is the taxpayer's receipt, all in one batch;
 * without a complaint that batch is shared with other submissions (group-commit.ts).
 */
import { eq, sql } from 'drizzle-orm';
import { feedbackResponses, invitations, officers } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';
import { ApiError, badRequest, type FieldError } from '../core/errors.js';
import { newId, randomToken } from '../core/ids.js';
import { responseCommitment } from './commitment.js';
import { periodOf } from '../core/period.js';
import { appendLeaves, buildLeafSync, commit, leafSeq, withSeqRetry, type AuditEvent, type AuditLeaf, type Write } from '../audit/append.js';
import type { Db } from '../../db/client.js';
import { asBatchItem, runStatements, type Statement } from '../../db/prepared.js';
import { groupPosition, jsonField, jsonRows, statementText, target } from '../../db/json-rows.js';
import { durable } from '../../db/durable.js';
import { jsonParam } from '../../db/json-param.js';
import { planComplaint } from '../complaints/file.js';
import { GroupQueue, queueFor } from './group-commit.js';
import { noteBadToken } from '../core/guessing.js';
import { resolveInvitation, type InvitationState } from './invitations.js';
import { COMMENT_MAX, DIMENSIONS, RATING_MAX, RATING_MIN, type Dimension } from './policy.js';
import { COMPLAINT_TEXT_MAX } from '../complaints/policy.js';

/** The form fields as posted (all strings; anything may be missing). */
export interface FeedbackForm {
  professionalism?: string;
  attitude?: string;
  efficiency?: string;
  integrity?: string;
  comment?: string;
  /** The complaint's text; a complaint is filed when it is not blank. */
  complaint?: string;
  /** The "I want to file a complaint" checkbox; checked with a blank text is an error. */
  fileComplaint?: string;
  /** Honeypot: hidden from people, filled by form-filling bots. */
  website?: string;
}

export interface ParsedFeedback {
  ratings: Record<Dimension, number>;
  comment: string | null;
  complaint: string | null;
}

/** Validates the posted form; errors name the fields (`professionalism`, `comment`, ...). */
export function parseFeedbackForm(form: FeedbackForm): { ok: ParsedFeedback } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const ratings = {} as Record<Dimension, number>;
  for (const d of DIMENSIONS) {
    const raw = (form[d] ?? '').trim();
    const n = /^\d$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= RATING_MIN && n <= RATING_MAX)) errors.push({ path: d, message: `required, an integer from ${RATING_MIN} to ${RATING_MAX}` });
    else ratings[d] = n;
  }
  const comment = normalizeText(form.comment);
  if (comment && [...comment].length > COMMENT_MAX) errors.push({ path: 'comment', message: `at most ${COMMENT_MAX} characters` });
  const complaint = normalizeText(form.complaint);
  const wantsComplaint = form.fileComplaint !== undefined && form.fileComplaint !== '';
  if (wantsComplaint && !complaint) errors.push({ path: 'complaint', message: 'describe the complaint, or untick the box' });
  if (complaint && [...complaint].length > COMPLAINT_TEXT_MAX) errors.push({ path: 'complaint', message: `at most ${COMPLAINT_TEXT_MAX} characters` });
  if (errors.length) return { errors };
  return { ok: { ratings, comment, complaint } };
}

function normalizeText(v: string | undefined): string | null {
  if (v === undefined) return null;
  // Browsers post textarea newlines as CRLF; count and store them as one character.
  const s = v.replace(/\r\n?/g, '\n').trim();
  return s ? s : null;
}

const refusal: Record<Exclude<InvitationState, 'ok'>, () => ApiError> = {
  unknown: () => new ApiError(404, 'invitation_unknown', 'No invitation has this token.'),
  used: () => new ApiError(410, 'invitation_used', 'This invitation has already been used.'),
  expired: () => new ApiError(410, 'invitation_expired', 'This invitation has expired.'),
};

/** A bad token counts towards the address's guessing limit; over it, 429 instead of 404/410. */
async function refuse(ctx: Pick<Ctx, 'db' | 'clock'>, state: Exclude<InvitationState, 'ok'>, address: string): Promise<never> {
  const { limited } = await noteBadToken(ctx, address);
  if (limited) throw new ApiError(429, 'too_many_attempts', 'Too many invalid links from this address; try again later.');
  throw refusal[state]();
}

/** Opens the form: the invitation must be usable (404/410/429 otherwise). */
export async function openFeedbackForm({ ctx, input }: { ctx: Ctx; input: { token: string; address: string } }) {
  const r = await resolveInvitation(ctx, input.token);
  if (r.state !== 'ok') return refuse(ctx, r.state, input.address);
  return { officerCode: r.invitation!.officerCode, officerName: r.invitation!.officerName, expiresAt: r.invitation!.expiresAt };
}

export type SubmitResult =
  | {
      status: 'accepted';
      responseId: string;
      auditIndex: number;
      leafHash: string;
      /** The complaint filed with the response: its receipt is shown once, on the thank-you page. */
      complaint: { id: string; receipt: string; trackingUrl: string } | null;
    }
  /** The honeypot was filled: nothing stored, the token stays usable for the real taxpayer. */
  | { status: 'ignored' };

/**
 * A taxpayer submits the form. Exactly one submission per invitation is accepted, also when two
 * arrive at once: the database decides (the response is written only if its invitation is still
 * unused and unexpired at that point of the transaction); the loser gets 410. The result carries
 * the audit receipt (leaf index and hash).
 *
 * Without a complaint the submission joins the group write of the submissions that arrive with it
 * (`submissionQueue`); with one it is a `commit()` of its own, which also raises the complaint
 * flag. Both write the response and mark the invitation used with the same statements
 * (`responseStatements`) and append the leaf with the audit module's (`appendLeaves`).
 */
export async function submitFeedback({
  ctx: base,
  input,
}: {
  ctx: Ctx;
  input: { token: string; address: string; form: FeedbackForm };
}): Promise<SubmitResult> {
  const ctx: Ctx = { ...base, actor: { kind: 'taxpayer' } };
  const r = await resolveInvitation(ctx, input.token);
  if (r.state !== 'ok') return refuse(ctx, r.state, input.address);
  const inv = r.invitation!;
  if (input.form.website && input.form.website.trim() !== '') return { status: 'ignored' };
  const parsed = parseFeedbackForm(input.form);
  if ('errors' in parsed) throw badRequest('Some answers are missing or out of range.', parsed.errors);
  const { ratings, comment, complaint } = parsed.ok;

  const now = ctx.clock.now();
  const submittedAt = now.toISOString();
  // The leaf commits to the response without revealing it (src/feedback/commitment.ts).
  const nonce = randomToken(16);
  const response: ResponseRow = {
    id: newId('fbr', now),
    invitationId: inv.id,
    officerCode: inv.officerCode,
    period: periodOf(submittedAt),
    submittedAt,
    ...ratings,
    mean: (ratings.professionalism + ratings.attitude + ratings.efficiency + ratings.integrity) / 4,
    comment,
    complaint,
    commitmentNonce: nonce,
  };
  const event: AuditEvent = {
    action: 'feedback.submit',
    entity: 'feedback_response',
    entityId: response.id,
    payload: {
      period: response.period,
      commitment: responseCommitment({ nonce, invitationId: inv.id, officerCode: inv.officerCode, ratings, comment, complaint }),
    },
  };
  // Lost the race for the token (used, or expired, since the look-up): 410 as for a late request.
  // Given the error of a failed write: rethrown if the token is still usable (another failure).
  const lost = async (err?: unknown): Promise<never> => {
    const again = await resolveInvitation(ctx, input.token);
    if (again.state === 'ok' && err !== undefined) throw err;
    throw refusal[again.state === 'ok' || again.state === 'unknown' ? 'used' : again.state]();
  };

  if (complaint) return submitWithComplaint(ctx, response, event, complaint, lost);
  const leaf = buildLeafSync(ctx, event, submittedAt);
  const auditIndex = await submissionQueue(ctx.db).submit({ response, leaf });
  if (auditIndex === null) return lost();
  return { status: 'accepted', responseId: response.id, auditIndex, leafHash: leaf.leafHash, complaint: null };
}

/** A response as it is written: feedback_responses columns by their property names. */
type ResponseRow = Required<
  Pick<
    typeof feedbackResponses.$inferInsert,
    'id' | 'invitationId' | 'officerCode' | 'period' | 'submittedAt' | Dimension | 'mean' | 'comment' | 'complaint' | 'commitmentNonce'
  >
>;

const RESPONSE_FIELDS = [
  'id', 'invitationId', 'officerCode', 'period', 'submittedAt', ...DIMENSIONS, 'mean', 'comment', 'complaint', 'commitmentNonce',
] as const satisfies readonly (keyof ResponseRow)[];

const r = feedbackResponses;
const inv = invitations;

/**
 * 1. Each response of the JSON group, only if its invitation is unused and unexpired at this point
 *    of the transaction and has no response yet; its audit_index is the seq its leaf will get
 *    (`leafSeq`, counting only the responses that go in, as `appendLeaves` counts their leaves).
 */
const INSERT_RESPONSES = statementText(sql`
  insert into ${r} (${sql.join(RESPONSE_FIELDS.map((f) => target(r[f])), sql`, `)}, ${target(r.status)}, ${target(r.auditIndex)})
  select ${sql.join(RESPONSE_FIELDS.map(jsonField), sql`, `)}, 'accepted', ${leafSeq(groupPosition)}
  from ${jsonRows}
  where exists (select 1 from ${inv} where ${inv.id} = ${jsonField('invitationId')}
                  and ${inv.usedAt} is null and ${inv.expiresAt} > ${jsonField('submittedAt')})
    and not exists (select 1 from ${r} where ${r.invitationId} = ${jsonField('invitationId')})`);

/** 2. The invitations of the JSON list of ids marked used, those whose response went in. */
const MARK_USED = statementText(sql`
  update ${inv} set ${target(inv.usedAt)} = (select ${r.submittedAt} from ${r} where ${r.invitationId} = ${inv.id})
  where ${inv.id} in (select j.value from ${jsonRows})
    and ${inv.usedAt} is null
    and exists (select 1 from ${r} where ${r.invitationId} = ${inv.id})`);

/**
 * The statements that write responses and mark their invitations used. Each statement gets only
 * the fields it reads (json_each parses its whole parameter: about 15% less CPU per submission than
 * one shared parameter, ADR 0004). A response that is not written (its token lost a race) makes
 * both a no-op for it, never an error.
 */
function responseStatements(rows: readonly ResponseRow[]): { insert: Statement; markUsed: Statement } {
  return {
    insert: { sql: INSERT_RESPONSES, args: [jsonParam(rows)] },
    markUsed: { sql: MARK_USED, args: [jsonParam(rows.map((x) => x.invitationId))] },
  };
}

/** One submission without a complaint, as the group write takes it: its response and its leaf. */
export interface Submission {
  response: ResponseRow;
  leaf: AuditLeaf;
}

const submissionQueues = new WeakMap<Db, GroupQueue<Submission, number | null>>();

/** The group-commit queue of a database handle (see group-commit.ts and ADR 0004). */
export function submissionQueue(db: Db) {
  return queueFor(submissionQueues, db, () => (items) => writeSubmissions(db, items), () => durable(db));
}

/**
 * Writes a group of submissions in ONE transaction, whatever the group's size: the responses, the
 * audit leaves of exactly the responses that went in (`appendLeaves` with `onlyIfStored`), then
 * their invitations marked used. Returns each submission's leaf index, or null when it lost the
 * race for its invitation. A lost race for the next seq is retried like any commit()'s.
 */
async function writeSubmissions(db: Db, items: Submission[]): Promise<(number | null)[]> {
  // Two submissions of one invitation in one group: the first goes in, the others lost. (Across
  // groups the conditions decide, as groups are written one after the other.)
  const seen = new Set<string>();
  const group = items.filter((s) => (seen.has(s.response.invitationId) ? false : (seen.add(s.response.invitationId), true)));
  const { insert, markUsed } = responseStatements(group.map((s) => s.response));
  const appends = appendLeaves(group.map((s) => s.leaf), { onlyIfStored: feedbackResponses.id });
  const results = await withSeqRetry(() => runStatements(db, [insert, ...appends, markUsed]));
  const seqOf = new Map(results.slice(1, 1 + appends.length).flatMap((rows) => rows!.map((x) => [x.entityId as string, Number(x.seq)] as const)));
  return items.map((s) => seqOf.get(s.response.id) ?? null);
}

/**
 * With a complaint the submission also files it through the one complaint write path
 * (`planComplaint`: the record with its receipt, its leaf holding a commitment, the flag), so it is
 * one commit() of its own: the same response statements as the group write, then the complaint's
 * writes and leaves. If the token was used or expired meanwhile the response statement writes
 * nothing and the complaint, guarded on the stored response, refuses the whole batch. Complaints
 * are rare; the group write is for the common case.
 */
async function submitWithComplaint(ctx: Ctx, response: ResponseRow, event: AuditEvent, text: string, lost: (err: unknown) => Promise<never>): Promise<SubmitResult> {
  const plan = await planComplaint(ctx, {
    channel: 'form',
    category: 'other',
    text,
    officerCode: response.officerCode,
    unitCode: await unitOf(ctx, response.officerCode),
    responseId: response.id,
    receivedAt: response.submittedAt,
  });
  const { insert, markUsed } = responseStatements([response]);
  const writes: Write[] = [asBatchItem(ctx.db, insert), asBatchItem(ctx.db, markUsed), ...plan.writes];
  // The response's event first, so that its leaf gets the seq the response row recorded (`leafSeq` at position 1).
  const events: AuditEvent[] = [event, ...plan.events];
  try {
    const { auditIndices, leafHashes } = await commit(ctx, writes, events);
    return {
      status: 'accepted',
      responseId: response.id,
      auditIndex: auditIndices[0]!,
      leafHash: leafHashes[0]!,
      complaint: { id: plan.id, receipt: plan.receipt, trackingUrl: plan.trackingUrl },
    };
  } catch (err) {
    return lost(err);
  }
}

async function unitOf(ctx: Ctx, officerCode: string): Promise<string | null> {
  const [o] = await ctx.db.select({ unitCode: officers.unitCode }).from(officers).where(eq(officers.code, officerCode));
  return o?.unitCode ?? null;
}
