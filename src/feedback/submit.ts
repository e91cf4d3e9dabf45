/**
 * The taxpayer's side: opening the form and submitting it. A submission is one response row, the
 * invitation marked used and the audit leaf that is the taxpayer's receipt, all in one batch;
 * without a complaint that batch is shared with other submissions (group-commit.ts).
 */
import { eq, sql } from 'drizzle-orm';
import { complaints, feedbackResponses, invitations } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';
import { ApiError, badRequest, type FieldError } from '../core/errors.js';
import { newId, randomToken } from '../core/ids.js';
import { responseCommitment } from './commitment.js';
import { seal } from '../audit/commitment.js';
import { periodOf } from '../core/period.js';
import { buildLeafSync, commit, type AuditEvent, type AuditLeaf, type Write } from '../audit/append.js';
import type { Db } from '../../db/client.js';
import { runStatements } from '../../db/prepared.js';
import { durable } from '../../db/durable.js';
import { complaintFlag, planRaise } from '../flags/raise.js';
import { GroupQueue, queueFor } from './group-commit.js';
import { noteBadToken } from './guessing.js';
import { isUniqueViolation } from '../../db/errors.js';
import { resolveInvitation, type InvitationState } from './invitations.js';
import { COMMENT_MAX, COMPLAINT_FLAG_SEVERITY, COMPLAINT_MAX, DIMENSIONS, RATING_MAX, RATING_MIN, type Dimension } from './policy.js';

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
  if (complaint && [...complaint].length > COMPLAINT_MAX) errors.push({ path: 'complaint', message: `at most ${COMPLAINT_MAX} characters` });
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
  | { status: 'accepted'; responseId: string; auditIndex: number; leafHash: string; complaintId: string | null }
  /** The honeypot was filled: nothing stored, the token stays usable for the real taxpayer. */
  | { status: 'ignored' };

/**
 * A taxpayer submits the form. Exactly one submission per invitation is accepted, also when two
 * arrive at once: the database decides (conditional statements / UNIQUE(invitation_id)); the
 * loser gets 410. The result carries the audit receipt (leaf index and hash).
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
  const responseId = newId('fbr', now);
  const mean = (ratings.professionalism + ratings.attitude + ratings.efficiency + ratings.integrity) / 4;
  const period = periodOf(submittedAt);
  // The leaf commits to the response without revealing it (src/feedback/commitment.ts).
  const nonce = randomToken(16);
  const responseEvent: AuditEvent = {
    action: 'feedback.submit',
    entity: 'feedback_response',
    entityId: responseId,
    payload: {
      period,
      commitment: responseCommitment({ nonce, invitationId: inv.id, officerCode: inv.officerCode, ratings, comment, complaint }),
    },
  };

  const lost = async (): Promise<never> => {
    const again = await resolveInvitation(ctx, input.token);
    throw refusal[again.state === 'ok' || again.state === 'unknown' ? 'used' : again.state]();
  };

  if (complaint) {
    return submitWithComplaint(ctx, { inv, responseId, submittedAt, period, ratings, mean, comment, complaint, nonce, responseEvent, lost });
  }

  const leaf = buildLeafSync(ctx, responseEvent, submittedAt);
  const outcome = await submissionQueue(ctx.db).submit({
    rid: responseId,
    inv: inv.id,
    off: inv.officerCode,
    per: period,
    at: submittedAt,
    p: ratings.professionalism,
    a: ratings.attitude,
    e: ratings.efficiency,
    i: ratings.integrity,
    mean,
    com: comment,
    non: nonce,
    leaf,
  });
  if (outcome === null) return lost();
  return { status: 'accepted', responseId, auditIndex: outcome, leafHash: leaf.leafHash, complaintId: null };
}

/** One submission without a complaint, as the group writer takes it. */
export interface QueuedSubmission {
  rid: string;
  inv: string;
  off: string;
  per: string;
  at: string;
  p: number;
  a: number;
  e: number;
  i: number;
  mean: number;
  com: string | null;
  /** The commitment's nonce (src/feedback/commitment.ts). */
  non: string;
  leaf: AuditLeaf;
}

const submissionQueues = new WeakMap<Db, GroupQueue<QueuedSubmission, number | null>>();

/** The group-commit queue of a database handle (see group-commit.ts and ADR 0004). */
export function submissionQueue(db: Db) {
  return queueFor(submissionQueues, db, () => (items) => writeSubmissions(db, items), () => durable(db));
}

/** A field of the group's JSON item in json_each's row `j`. */
const v = (field: string) => `json_extract(j.value, '$.${field}')`;

// The group write's statements (see writeSubmissions). Constant texts: on Node they stay prepared.
const INSERT_RESPONSES = `
  insert into feedback_responses (id, invitation_id, officer_code, period, submitted_at,
    professionalism, attitude, efficiency, integrity, mean, comment, complaint, status, commitment_nonce, audit_index)
  select ${v('rid')}, ${v('inv')}, ${v('off')}, ${v('per')}, ${v('at')},
    ${v('p')}, ${v('a')}, ${v('e')}, ${v('i')}, ${v('mean')}, ${v('com')}, null, 'accepted', ${v('non')},
    (select coalesce(max(seq), -1) from audit_entries) + row_number() over (order by j.key)
  from json_each(?) j
  where exists (select 1 from invitations i
                where i.id = ${v('inv')} and i.used_at is null and i.expires_at > ${v('at')})
    and not exists (select 1 from feedback_responses r where r.invitation_id = ${v('inv')})`;

const APPEND_LEAVES = `
  insert into audit_entries (seq, at, actor, action, entity, entity_id, leaf, leaf_hash)
  select (select coalesce(max(seq), -1) from audit_entries) + row_number() over (order by j.key),
    ${v('la')}, ${v('lac')}, ${v('lact')}, ${v('lent')}, ${v('leid')}, ${v('lb')}, ${v('lh')}
  from json_each(?) j
  where exists (select 1 from feedback_responses r where r.id = ${v('rid')})
  returning seq, entity_id`;

const MARK_USED = `
  update invitations
  set used_at = (select r.submitted_at from feedback_responses r where r.invitation_id = invitations.id)
  where id in (select value from json_each(?))
    and used_at is null
    and exists (select 1 from feedback_responses r where r.invitation_id = invitations.id)`;

/**
 * Writes a group of submissions in ONE batch of three statements, whatever the group's size: each
 * statement takes the group as one JSON parameter that SQLite's json_each spreads into rows, so
 * the cost per submission is a few rows, not a few statements. (JSON rather than bound VALUES
 * lists: D1 allows only 100 bound parameters per statement.)
 * 1. the responses, each only if its invitation is still unused and unexpired at this point;
 * 2. the audit leaves of exactly the responses that were inserted, numbered max(seq) + 1, + 2, ...
 *    in group order (row_number over the rows that passed the same filter, so the response's
 *    audit_index computed in 1 is the seq its leaf gets in 2);
 * 3. their invitations marked used.
 * Returns each submission's leaf index, or null when it lost the race for its invitation.
 */
async function writeSubmissions(db: Db, items: QueuedSubmission[]): Promise<(number | null)[]> {
  // Two submissions of one invitation in one group: the first goes in, the others lost. (Across
  // groups the conditions in statement 1 decide, as groups are written one after the other.)
  const seen = new Set<string>();
  const group = items.filter((it) => (seen.has(it.inv) ? false : (seen.add(it.inv), true)));
  // Each statement gets only the fields it reads: json_each parses its whole parameter.
  const responsesJson = JSON.stringify(group.map(({ leaf: _leaf, ...row }) => row));
  const leavesJson = JSON.stringify(
    group.map((it) => ({
      rid: it.rid,
      la: it.leaf.at,
      lac: it.leaf.actor,
      lact: it.leaf.action,
      lent: it.leaf.entity,
      leid: it.leaf.entityId,
      lb: it.leaf.leaf,
      lh: it.leaf.leafHash,
    })),
  );
  const invitationIds = JSON.stringify(group.map((it) => it.inv));
  const [, appended] = await runStatements(db, [
    { sql: INSERT_RESPONSES, args: [responsesJson] },
    { sql: APPEND_LEAVES, args: [leavesJson], rows: true },
    { sql: MARK_USED, args: [invitationIds] },
  ]);
  const seqOf = new Map(appended!.map((r) => [r.entity_id as string, Number(r.seq)]));
  return items.map((it) => seqOf.get(it.rid) ?? null);
}

/**
 * With a complaint the submission also raises a flag through the flags verb (planRaise), whose
 * writes are not conditional; so it runs in a batch of its own, where UNIQUE(invitation_id)
 * aborts the whole batch if the token was used meanwhile. Complaints are rare; the group commit
 * is for the common case.
 */
async function submitWithComplaint(
  ctx: Ctx,
  a: {
    inv: { id: string; officerCode: string };
    responseId: string;
    submittedAt: string;
    period: string;
    ratings: Record<Dimension, number>;
    mean: number;
    comment: string | null;
    complaint: string;
    nonce: string;
    responseEvent: AuditEvent;
    lost: () => Promise<never>;
  },
): Promise<SubmitResult> {
  const complaintId = newId('cmp', ctx.clock.now());
  // No ratings in the evidence (flags may be shown to more people than responses are, and a
  // single response's ratings are exactly what anonymity keeps from the officer), and no text:
  // the complaint record holds it, the leaf a commitment to it (DESIGN 5).
  const raised = await planRaise(ctx, complaintFlag({ complaintId, officerCode: a.inv.officerCode, responseId: a.responseId, period: a.period, severity: COMPLAINT_FLAG_SEVERITY }));
  const sealed = seal({ responseId: a.responseId, text: a.complaint });
  const writes: Write[] = [
    ctx.db.insert(feedbackResponses).values({
      id: a.responseId,
      invitationId: a.inv.id,
      officerCode: a.inv.officerCode,
      period: a.period,
      submittedAt: a.submittedAt,
      ...a.ratings,
      mean: a.mean,
      comment: a.comment,
      complaint: a.complaint,
      status: 'accepted',
      commitmentNonce: a.nonce,
      // commit() puts the writes before the appends, and the response's leaf is the first append.
      auditIndex: sql`(select coalesce(max(seq), -1) + 1 from audit_entries)`,
    }),
    ctx.db
      .update(invitations)
      .set({ usedAt: a.submittedAt })
      .where(sql`${invitations.id} = ${a.inv.id} and ${invitations.usedAt} is null`),
    ctx.db.insert(complaints).values({
      id: complaintId,
      responseId: a.responseId,
      officerCode: a.inv.officerCode,
      text: a.complaint,
      createdAt: a.submittedAt,
      flagId: raised?.flagId ?? null,
      commitmentNonce: sealed.nonce,
    }),
    ...(raised?.writes ?? []),
  ];
  const events: AuditEvent[] = [
    a.responseEvent,
    {
      action: 'complaint.file',
      entity: 'complaint',
      entityId: complaintId,
      payload: { responseId: a.responseId, officerCode: a.inv.officerCode, commitment: sealed.commitment, flagId: raised?.flagId ?? null },
    },
    ...(raised?.events ?? []),
  ];
  try {
    const { auditIndices, leafHashes } = await commit(ctx, writes, events);
    return { status: 'accepted', responseId: a.responseId, auditIndex: auditIndices[0]!, leafHash: leafHashes[0]!, complaintId };
  } catch (err) {
    if (isUniqueViolation(err, 'invitation_id')) return a.lost();
    throw err;
  }
}
