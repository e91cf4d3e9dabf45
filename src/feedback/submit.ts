/**
 * The taxpayer's side: opening the form and submitting it. A submission is one response row, the
 * invitation marked used and the audit leaf that is the taxpayer's receipt, all in one batch;
 * without a complaint that batch is shared with other submissions (group-commit.ts).
 */
import { eq, sql } from 'drizzle-orm';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { complaints, feedbackResponses, invitations } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';
import { ApiError, badRequest, type FieldError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { periodOf } from '../core/period.js';
import { commit, type AuditEvent, type Write } from '../audit/append.js';
import { planRaise } from '../flags/raise.js';
import { appendStatementIf, buildLeafSync } from './conditional-append.js';
import { groupCommitterFor } from './group-commit.js';
import { noteBadToken } from './guessing.js';
import { isUniqueViolation, resolveInvitation, type InvitationState } from './invitations.js';
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

const sha256Text = (s: string) => bytesToHex(sha256(utf8ToBytes(s)));

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
  // The leaf commits to the comment and complaint by hash: the log is permanent and readable by
  // auditors, the texts are personal and stay in the table where access is by role.
  const responseEvent: AuditEvent = {
    action: 'feedback.submit',
    entity: 'feedback_response',
    entityId: responseId,
    payload: {
      officerCode: inv.officerCode,
      period,
      ratings,
      mean,
      commentSha256: comment ? sha256Text(comment) : null,
      complaintSha256: complaint ? sha256Text(complaint) : null,
    },
  };

  const lost = async (): Promise<never> => {
    const again = await resolveInvitation(ctx, input.token);
    throw refusal[again.state === 'ok' || again.state === 'unknown' ? 'used' : again.state]();
  };

  if (complaint) {
    return submitWithComplaint(ctx, { inv, responseId, submittedAt, period, ratings, mean, comment, complaint, responseEvent, lost });
  }

  const leaf = buildLeafSync(ctx, responseEvent, submittedAt);
  const responseExists = sql`exists (select 1 from feedback_responses where id = ${responseId})`;
  const statements: Write[] = [
    ctx.db.run(sql`
      insert into feedback_responses (id, invitation_id, officer_code, period, submitted_at,
        professionalism, attitude, efficiency, integrity, mean, comment, complaint, status, audit_index)
      select ${responseId}, ${inv.id}, ${inv.officerCode}, ${period}, ${submittedAt},
        ${ratings.professionalism}, ${ratings.attitude}, ${ratings.efficiency}, ${ratings.integrity}, ${mean},
        ${comment}, null, 'accepted', (select coalesce(max(seq), -1) + 1 from audit_entries)
      where exists (select 1 from invitations where id = ${inv.id} and used_at is null and expires_at > ${submittedAt})
        and not exists (select 1 from feedback_responses where invitation_id = ${inv.id})`),
    ctx.db.run(sql`
      update invitations set used_at = ${submittedAt}
      where id = ${inv.id} and used_at is null and ${responseExists}`),
    appendStatementIf(ctx.db, leaf, responseExists),
  ];
  const outcome = await groupCommitterFor(ctx.db).submit({
    statements,
    settle: (results) => {
      const rows = results[2] as { seq: number }[];
      return rows.length === 1 ? { seq: Number(rows[0]!.seq) } : null;
    },
  });
  if (!outcome) return lost();
  return { status: 'accepted', responseId, auditIndex: outcome.seq, leafHash: leaf.leafHash, complaintId: null };
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
    responseEvent: AuditEvent;
    lost: () => Promise<never>;
  },
): Promise<SubmitResult> {
  const complaintId = newId('cmp', ctx.clock.now());
  const raised = await planRaise(ctx, {
    rule: 'complaint',
    subjectCode: a.inv.officerCode,
    conditionKey: `complaint:${complaintId}`,
    evidence: { complaintId, responseId: a.responseId, period: a.period, ratings: a.ratings, text: a.complaint },
    severity: COMPLAINT_FLAG_SEVERITY,
  });
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
    }),
    ...(raised?.writes ?? []),
  ];
  const events: AuditEvent[] = [
    a.responseEvent,
    {
      action: 'complaint.file',
      entity: 'complaint',
      entityId: complaintId,
      payload: { responseId: a.responseId, officerCode: a.inv.officerCode, textSha256: sha256Text(a.complaint), flagId: raised?.flagId ?? null },
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

/** For tests and the benchmark: is the response row there? */
export async function responseExists(ctx: Pick<Ctx, 'db'>, id: string): Promise<boolean> {
  const [r] = await ctx.db.select({ id: feedbackResponses.id }).from(feedbackResponses).where(eq(feedbackResponses.id, id));
  return !!r;
}
