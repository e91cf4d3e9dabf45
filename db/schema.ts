/**
 * The one source of truth for the database. Migrations in db/migrations are generated from this
 * file by drizzle-kit (`npm run db:generate`) and committed; never pushed.
 *
 * Keys: master data (units, officers, taxpayers) is keyed by its human code, because imports
 * upsert by code and audit payloads should name things the way HR does. Everything the service
 * creates gets an application-generated id (`src/core/ids.ts`), so that a write and the audit
 * entry that records it can be built before the batch runs.
 * Dates are `YYYY-MM-DD` text, times ISO 8601 UTC text, periods `YYYYQn`.
 */
import { sql } from 'drizzle-orm';
import {
  sqliteTable,
  text,
  integer,
  real,
  index,
  uniqueIndex,
  primaryKey,
} from 'drizzle-orm/sqlite-core';

export const roles = ['admin', 'hr', 'supervisor', 'officer', 'intake'] as const;
export type Role = (typeof roles)[number];

export const taxpayerCategories = ['key', 'general', 'individual'] as const;

// ---------------------------------------------------------------------------------------------
// Master data

export const units = sqliteTable('units', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  peerGroup: text('peer_group').notNull(),
});

export const officers = sqliteTable(
  'officers',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    unitCode: text('unit_code').notNull().references(() => units.code),
    team: text('team').notNull(),
    hireDate: text('hire_date').notNull(),
    positionStartDate: text('position_start_date').notNull(),
    leaveDate: text('leave_date'),
    supervisorCode: text('supervisor_code'),
  },
  (t) => [index('officers_unit').on(t.unitCode), index('officers_supervisor').on(t.supervisorCode)],
);

export const taxpayers = sqliteTable('taxpayers', {
  code: text('code').primaryKey(),
  /** '' once erased on the taxpayer's request (an individual's name; src/retention/erase-taxpayer.ts). */
  name: text('name').notNull(),
  category: text('category', { enum: taxpayerCategories }).notNull(),
  /** When the taxpayer's personal data was erased on request; an import never brings it back. */
  erasedAt: text('erased_at'),
});

/** Managing-officer history. Never overwritten: a reassignment closes one row and opens another. */
export const assignments = sqliteTable(
  'assignments',
  {
    taxpayerCode: text('taxpayer_code').notNull().references(() => taxpayers.code),
    officerCode: text('officer_code').notNull().references(() => officers.code),
    from: text('from_date').notNull(),
    to: text('to_date'),
  },
  (t) => [
    primaryKey({ columns: [t.taxpayerCode, t.from] }),
    index('assignments_officer').on(t.officerCode, t.from),
    // At most one open assignment per taxpayer.
    uniqueIndex('assignments_one_open').on(t.taxpayerCode).where(sql`to_date is null`),
  ],
);

export const periods = sqliteTable('periods', {
  code: text('code').primaryKey(), // 2026Q3
  startDate: text('start_date').notNull(),
  endDate: text('end_date').notNull(),
});

export const workload = sqliteTable(
  'workload',
  {
    officerCode: text('officer_code').notNull().references(() => officers.code),
    period: text('period').notNull(),
    kind: text('kind').notNull(),
    count: real('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.period, t.officerCode, t.kind] })],
);

export const assessments = sqliteTable(
  'assessments',
  {
    officerCode: text('officer_code').notNull().references(() => officers.code),
    category: text('category').notNull(),
    takenOn: text('taken_on').notNull(),
    raw: real('raw').notNull(),
    max: real('max').notNull(),
  },
  (t) => [primaryKey({ columns: [t.officerCode, t.category, t.takenOn] })],
);

/** Reference data: thresholds differ by province and change over time. */
export const thresholds = sqliteTable(
  'thresholds',
  {
    decisionType: text('decision_type').notNull(),
    validFrom: text('valid_from').notNull(),
    validTo: text('valid_to'),
    amount: real('amount').notNull(),
  },
  (t) => [primaryKey({ columns: [t.decisionType, t.validFrom] })],
);

/**
 * Salts of the import leaves that commit to rows naming taxpayers (kinds `taxpayers` and
 * `assignments`): their leaf holds a salted commitment to the rows instead of the rows or a plain
 * digest of them (DESIGN 5). With the file HR imported and this nonce, the leaf can be checked.
 */
export const importCommitments = sqliteTable(
  'import_commitments',
  {
    importId: text('import_id').notNull(),
    kind: text('kind').notNull(),
    nonce: text('nonce').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.kind] })],
);

// ---------------------------------------------------------------------------------------------
// Users, tokens, sessions

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull().unique(),
    role: text('role', { enum: roles }).notNull(),
    officerCode: text('officer_code').references(() => officers.code),
    createdAt: text('created_at').notNull(),
    disabledAt: text('disabled_at'),
  },
  (t) => [index('users_officer').on(t.officerCode)],
);

/** Bearer tokens: only the SHA-256 of the random token is stored. */
export const tokens = sqliteTable(
  'tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id),
    hash: text('hash').notNull().unique(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at'),
    revokedAt: text('revoked_at'),
  },
  (t) => [index('tokens_user').on(t.userId)],
);

/** Page sessions: a cookie for a token pasted once. Revoking the token ends its sessions. */
export const sessions = sqliteTable('sessions', {
  hash: text('hash').primaryKey(),
  tokenId: text('token_id').notNull().references(() => tokens.id),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull(),
});

/** Idempotency-Key store: the first response to (user, key) is replayed for 24 h. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(), // user id, or 'anon'
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    contentType: text('content_type').notNull(),
    body: text('body').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

// ---------------------------------------------------------------------------------------------
// Feedback

export const invitations = sqliteTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    officerCode: text('officer_code').notNull().references(() => officers.code),
    /**
     * The taxpayer invited; null once the link is cut (retention: the quarter is published and its
     * appeal window closed, or the taxpayer asked for erasure). The leaf's commitment stays.
     */
    taxpayerCode: text('taxpayer_code').references(() => taxpayers.code),
    /** The intake system's reference; `cut:<id>` once the link is cut (it leads to the taxpayer too). */
    interactionRef: text('interaction_ref').notNull().unique(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    usedAt: text('used_at'),
    sampleId: text('sample_id'),
    /**
     * Salt of the invitation leaf's commitment to { taxpayerCode, interactionRef } (DESIGN 5: the
     * leaf holds no taxpayer identity; src/audit/commitment.ts). Null for invitations from before.
     */
    commitmentNonce: text('commitment_nonce'),
    /** When the link to the taxpayer was cut (see taxpayerCode). */
    linkCutAt: text('link_cut_at'),
  },
  (t) => [index('invitations_officer').on(t.officerCode), index('invitations_taxpayer').on(t.taxpayerCode), index('invitations_created').on(t.createdAt)],
);

export const feedbackResponses = sqliteTable(
  'feedback_responses',
  {
    id: text('id').primaryKey(),
    invitationId: text('invitation_id').notNull().unique().references(() => invitations.id),
    officerCode: text('officer_code').notNull().references(() => officers.code),
    period: text('period').notNull(),
    submittedAt: text('submitted_at').notNull(),
    professionalism: integer('professionalism').notNull(),
    attitude: integer('attitude').notNull(),
    efficiency: integer('efficiency').notNull(),
    integrity: integer('integrity').notNull(),
    /** Mean of the four ratings, stored so grading aggregates in SQL without recomputing it. */
    mean: real('mean').notNull(),
    comment: text('comment'),
    complaint: text('complaint'),
    status: text('status', { enum: ['accepted', 'voided'] }).notNull().default('accepted'),
    voidReason: text('void_reason'),
    voidedBy: text('voided_by'),
    voidedAt: text('voided_at'),
    auditIndex: integer('audit_index'),
    /**
     * Random salt of the response's commitment in its audit leaf (see src/feedback/commitment.ts):
     * the log commits to who was rated and how without saying it to those who may read the log.
     */
    commitmentNonce: text('commitment_nonce'),
    /** When the comment and complaint text were erased (retention, or the taxpayer's request). */
    textErasedAt: text('text_erased_at'),
    /** How the rating reached us: the taxpayer's own form, or entered by staff from paper or a phone call. */
    channel: text('channel', { enum: ['form', 'paper', 'phone'] }).notNull().default('form'),
    /** The user who entered a paper or phone rating; null for the form. */
    enteredBy: text('entered_by'),
  },
  (t) => [
    index('responses_period_officer').on(t.period, t.officerCode, t.status),
    index('responses_officer_time').on(t.officerCode, t.submittedAt),
  ],
);

// ---------------------------------------------------------------------------------------------
// Complaints (issue 15): from every channel, tracked by the complainant with a receipt.

export const complaintChannels = ['form', 'hotline_12366', 'service_hall', 'letter', 'web'] as const;
export const complaintCategories = ['attitude', 'efficiency', 'integrity', 'law_enforcement', 'wrong_information', 'system', 'other'] as const;
export const complaintStatuses = ['received', 'in_review', 'closed'] as const;
/** What the complainant is told when the complaint is closed, in the catalogue's plain words. */
export const complaintOutcomes = ['upheld', 'partly_upheld', 'not_upheld', 'resolved', 'referred'] as const;

/**
 * A complaint from any channel. The text, the taxpayer and the response stay in this row; the
 * audit leaf holds a salted commitment to them (src/complaints/commitment.ts). Rows filed
 * before complaints had channels are form complaints: received when created, without a receipt.
 */
export const complaints = sqliteTable(
  'complaints',
  {
    id: text('id').primaryKey(),
    channel: text('channel', { enum: complaintChannels }).notNull().default('form'),
    category: text('category', { enum: complaintCategories }).notNull().default('other'),
    /** The response whose form carried the complaint (channel `form`). */
    responseId: text('response_id').references(() => feedbackResponses.id),
    officerCode: text('officer_code').references(() => officers.code),
    unitCode: text('unit_code').references(() => units.code),
    taxpayerCode: text('taxpayer_code').references(() => taxpayers.code),
    text: text('text').notNull(),
    /** The sending system's own reference (a 12366 ticket number): one complaint per reference. */
    sourceRef: text('source_ref').unique(),
    /** When the bureau received it (the hotline call, the letter's arrival); its quarter is its period. */
    receivedAt: text('received_at'),
    createdAt: text('created_at').notNull(),
    /** The user who entered it (`taxpayer` for the form). */
    createdBy: text('created_by'),
    /** SHA-256 of the complainant's receipt code; the code itself is shown once. */
    receiptHash: text('receipt_hash').unique(),
    status: text('status', { enum: complaintStatuses }).notNull().default('received'),
    outcome: text('outcome', { enum: complaintOutcomes }),
    updatedAt: text('updated_at'),
    closedBy: text('closed_by'),
    flagId: text('flag_id'),
    /** Salt of the complaint leaf's commitment to { responseId, text } (the leaf holds no text). */
    commitmentNonce: text('commitment_nonce'),
    /** When the text was erased ('' from then on; retention after 3 years, or on request). */
    textErasedAt: text('text_erased_at'),
  },
  (t) => [
    index('complaints_officer').on(t.officerCode),
    index('complaints_received').on(t.receivedAt),
    index('complaints_flag').on(t.flagId),
    index('complaints_created').on(t.createdAt),
  ],
);

// ---------------------------------------------------------------------------------------------
// Delivery of invitations (issue 15): where to send them, and the outbox of messages.

export const deliveryChannels = ['sms', 'email', 'wechat'] as const;

/**
 * Where an invitation is delivered. The address and the invitation's link travel sealed
 * (AES-GCM, src/delivery/seal.ts) and are erased (set to null) once its messages are done.
 */
export const deliveryTargets = sqliteTable('delivery_targets', {
  invitationId: text('invitation_id').primaryKey().references(() => invitations.id),
  channel: text('channel', { enum: deliveryChannels }).notNull(),
  lang: text('lang', { enum: ['zh-CN', 'en'] }).notNull(),
  /** The sealed `{ address, url }`; null once erased. */
  sealed: text('sealed'),
  createdAt: text('created_at').notNull(),
  erasedAt: text('erased_at'),
});

/** One message to send: the invitation itself, or a reminder while it is unanswered. */
export const deliveryOutbox = sqliteTable(
  'delivery_outbox',
  {
    id: text('id').primaryKey(),
    invitationId: text('invitation_id').notNull().references(() => deliveryTargets.invitationId),
    kind: text('kind', { enum: ['invitation', 'reminder'] }).notNull(),
    /** Not before this time (a reminder's day). */
    dueAt: text('due_at').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed', 'cancelled'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** The next attempt, after a backoff; equals dueAt before the first. */
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    doneAt: text('done_at'),
  },
  (t) => [index('outbox_due').on(t.status, t.nextAttemptAt), index('outbox_invitation').on(t.invitationId)],
);

/** Reproducible random return visits (回访): the seed is recorded so the draw can be re-run. */
export const returnVisitSamples = sqliteTable('return_visit_samples', {
  id: text('id').primaryKey(),
  period: text('period').notNull(),
  perOfficer: integer('per_officer').notNull(),
  seed: text('seed').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: text('created_at').notNull(),
  /** Salt of the draw leaf's per-officer commitments to the taxpayers drawn (the leaf names none). */
  commitmentNonce: text('commitment_nonce'),
});

/** Per-address counters for invalid form tokens (guessing limit). */
export const rateLimits = sqliteTable(
  'rate_limits',
  {
    key: text('key').notNull(),
    windowStart: text('window_start').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);

/**
 * Taxpayers' erasure requests, carried out at once by an HR user (src/retention/). The row keeps
 * what was done and why, and the nonce of the leaf's commitment to { taxpayerCode, reason }: the
 * log itself names no taxpayer, and the reason may.
 */
export const erasureRequests = sqliteTable('erasure_requests', {
  id: text('id').primaryKey(),
  requestedBy: text('requested_by').notNull(),
  requestedAt: text('requested_at').notNull(),
  reason: text('reason').notNull(),
  /** What was erased, counts per kind (JSON). */
  erased: text('erased', { mode: 'json' }).notNull(),
  nonce: text('nonce').notNull(),
});

// ---------------------------------------------------------------------------------------------
// Discretionary decisions

export const decisions = sqliteTable(
  'decisions',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    /** The user who decided (the caller). */
    deciderUserId: text('decider_user_id').notNull(),
    /** The officer the decider acts as; null for an HR user without an officer record. */
    deciderCode: text('decider_code').references(() => officers.code),
    /** The officer a decision is about, where it is about one (grade_adjustment). */
    subjectOfficerCode: text('subject_officer_code').references(() => officers.code),
    taxpayerCode: text('taxpayer_code').references(() => taxpayers.code),
    amount: real('amount'),
    threshold: real('threshold'),
    justification: text('justification').notNull(),
    decidedAt: text('decided_at').notNull(),
    recordedAt: text('recorded_at').notNull(),
    /** Violation type for penalty waivers (首违不罚 applies once per taxpayer and type). */
    violationType: text('violation_type'),
    amends: text('amends'),
    amendReason: text('amend_reason'),
    auditIndex: integer('audit_index'),
    /** Salt of the decision leaf's commitment to { taxpayerCode } (the leaf names no taxpayer). */
    taxpayerNonce: text('taxpayer_nonce'),
  },
  (t) => [
    index('decisions_decider_time').on(t.deciderCode, t.decidedAt),
    index('decisions_type_time').on(t.type, t.decidedAt),
    index('decisions_taxpayer').on(t.taxpayerCode, t.type),
    index('decisions_amends').on(t.amends),
  ],
);

export const decisionReviewers = sqliteTable(
  'decision_reviewers',
  {
    decisionId: text('decision_id').notNull().references(() => decisions.id),
    officerCode: text('officer_code').notNull().references(() => officers.code),
    vote: text('vote', { enum: ['approve', 'reject'] }),
    investigated: integer('investigated', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.decisionId, t.officerCode] }),
    index('reviewers_officer').on(t.officerCode),
  ],
);

// ---------------------------------------------------------------------------------------------
// Flags

export const flags = sqliteTable(
  'flags',
  {
    id: text('id').primaryKey(),
    rule: text('rule').notNull(),
    subjectCode: text('subject_code').notNull().references(() => officers.code),
    /** Identifies the condition, so a rule never holds two open flags for the same thing. */
    conditionKey: text('condition_key').notNull(),
    evidence: text('evidence', { mode: 'json' }).notNull(),
    severity: text('severity', { enum: ['low', 'medium', 'high', 'critical'] }).notNull(),
    status: text('status', { enum: ['open', 'in_review', 'closed'] }).notNull(),
    outcome: text('outcome', { enum: ['confirmed', 'false_positive', 'escalated'] }),
    reviewerUserId: text('reviewer_user_id'),
    draw: text('draw', { mode: 'json' }),
    raisedAt: text('raised_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    closedAt: text('closed_at'),
    /**
     * Salt of the flag leaf's commitment to the evidence members that name taxpayers (rotation,
     * repeat waivers): the leaf carries the figures, and a commitment for those (src/flags/raise.ts).
     */
    evidenceNonce: text('evidence_nonce'),
  },
  (t) => [
    index('flags_condition').on(t.rule, t.conditionKey),
    // One unclosed flag per condition, even when two scans race (the loser's batch fails whole).
    uniqueIndex('flags_one_unclosed').on(t.rule, t.conditionKey).where(sql`status <> 'closed'`),
    index('flags_status').on(t.status, t.raisedAt),
    index('flags_subject').on(t.subjectCode, t.closedAt),
  ],
);

export const flagTransitions = sqliteTable(
  'flag_transitions',
  {
    id: text('id').primaryKey(),
    flagId: text('flag_id').notNull().references(() => flags.id),
    from: text('from_status'),
    to: text('to_status').notNull(),
    outcome: text('outcome'),
    reason: text('reason').notNull(),
    actor: text('actor').notNull(),
    at: text('at').notNull(),
    /** Confirming a penalty-carrying flag before its subject answered or the answer window ended: why not wait (issue 13). */
    earlyReason: text('early_reason'),
  },
  (t) => [index('flag_transitions_flag').on(t.flagId, t.at)],
);

// ---------------------------------------------------------------------------------------------
// Grading

/** Policy documents by content hash: a run points at the exact document it used. */
export const policies = sqliteTable('policies', {
  hash: text('hash').primaryKey(),
  version: text('version').notNull(),
  document: text('document').notNull(),
  createdAt: text('created_at').notNull(),
});

/**
 * Policies under four eyes (DESIGN 3): an HR user proposes a stored policy document with the first
 * quarter it applies to and a reason; a different HR user approves or rejects it. The policy in
 * effect for a quarter is the approved proposal with the latest `effective_from` not after it (the
 * latest approved among equals); none: the built-in default (src/grading/policies.ts).
 */
export const policyProposals = sqliteTable(
  'policy_proposals',
  {
    id: text('id').primaryKey(),
    policyHash: text('policy_hash').notNull().references(() => policies.hash),
    /** The first quarter the policy applies to, `YYYYQn`. */
    effectiveFrom: text('effective_from').notNull(),
    reason: text('reason').notNull(),
    proposedBy: text('proposed_by').notNull(),
    proposedAt: text('proposed_at').notNull(),
    status: text('status', { enum: ['proposed', 'approved', 'rejected'] }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: text('decided_at'),
    decisionReason: text('decision_reason'),
  },
  (t) => [
    // A document waits for one decision at a time: its hash names the proposal in the API.
    uniqueIndex('policy_proposals_one_open').on(t.policyHash).where(sql`status = 'proposed'`),
    index('policy_proposals_in_effect').on(t.status, t.effectiveFrom),
  ],
);

export const gradingRuns = sqliteTable(
  'grading_runs',
  {
    id: text('id').primaryKey(),
    period: text('period').notNull(),
    policyHash: text('policy_hash').notNull().references(() => policies.hash),
    inputDigest: text('input_digest').notNull(),
    /**
     * `computing`: results still being written in steps (run-job.ts); `failed`: a staged write that
     * could not finish; `discarded`: an unpublished run set aside (kept, audited), never published
     * or changed again.
     */
    status: text('status', { enum: ['computing', 'computed', 'published', 'failed', 'discarded'] }).notNull(),
    whatIf: integer('what_if', { mode: 'boolean' }).notNull().default(false),
    /** Computed for the quarter in progress: a what-if on partial inputs, never publishable. */
    provisional: integer('provisional', { mode: 'boolean' }).notNull().default(false),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    publishedBy: text('published_by'),
    publishedAt: text('published_at'),
    discardedBy: text('discarded_by'),
    discardedAt: text('discarded_at'),
    discardReason: text('discard_reason'),
  },
  (t) => [index('runs_period').on(t.period, t.createdAt)],
);

export const gradingResults = sqliteTable(
  'grading_results',
  {
    runId: text('run_id').notNull().references(() => gradingRuns.id),
    officerCode: text('officer_code').notNull().references(() => officers.code),
    status: text('status', { enum: ['graded', 'not_graded'] }).notNull(),
    composite: real('composite'),
    workload: real('workload'),
    assessment: real('assessment'),
    feedback: real('feedback'),
    tenure: real('tenure'),
    penalty: real('penalty'),
    rank: integer('rank'),
    tier: integer('tier'),
    coefficient: real('coefficient'),
    payout: real('payout'),
    /** The full breakdown and explanation, as the engine produced it. */
    detail: text('detail', { mode: 'json' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.officerCode] })],
);

export const adjustments = sqliteTable(
  'adjustments',
  {
    id: text('id').primaryKey(),
    runId: text('run_id').notNull().references(() => gradingRuns.id),
    officerCode: text('officer_code').notNull().references(() => officers.code),
    fromTier: integer('from_tier').notNull(),
    toTier: integer('to_tier').notNull(),
    reason: text('reason').notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: text('requested_at').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'rejected'] }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: text('decided_at'),
    decisionReason: text('decision_reason'),
    decisionId: text('decision_id'),
  },
  (t) => [index('adjustments_run').on(t.runId, t.status)],
);

export const appeals = sqliteTable(
  'appeals',
  {
    id: text('id').primaryKey(),
    runId: text('run_id').notNull().references(() => gradingRuns.id),
    officerCode: text('officer_code').notNull().references(() => officers.code),
    reason: text('reason').notNull(),
    filedBy: text('filed_by').notNull(),
    filedAt: text('filed_at').notNull(),
    status: text('status', { enum: ['pending', 'upheld', 'dismissed'] }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: text('decided_at'),
    outcome: text('outcome'),
    /** Why the HR decider upheld or dismissed it. */
    decisionReason: text('decision_reason'),
    /**
     * An upheld appeal's corrected tier. The published run stays frozen; the correction is paid
     * from here and recorded as a grade_adjustment decision (docs/adr/0017-appeals-do-not-change-the-published-run.md).
     */
    correctedTier: integer('corrected_tier'),
  },
  (t) => [index('appeals_run').on(t.runId, t.status), index('appeals_officer').on(t.officerCode, t.runId)],
);

/**
 * Pay follows what was decided after publication (DESIGN 3, corrections): an upheld appeal's
 * corrected tier (or any later approved change) is a correction of one result of a frozen run.
 * The latest correction of a result is its effective tier, coefficient and payout; the
 * published result stays beside it as the original.
 */
export const corrections = sqliteTable(
  'corrections',
  {
    id: text('id').primaryKey(),
    runId: text('run_id').notNull().references(() => gradingRuns.id),
    officerCode: text('officer_code').notNull().references(() => officers.code),
    /** What decided it: `appeal` (the appeal's id in sourceId). */
    source: text('source', { enum: ['appeal'] }).notNull(),
    sourceId: text('source_id').notNull(),
    /** The grade_adjustment decision that records it. */
    decisionId: text('decision_id'),
    fromTier: integer('from_tier'),
    toTier: integer('to_tier').notNull(),
    coefficient: real('coefficient').notNull(),
    /** Effective payout in yuan, by the run's policy (prorated by active days under v2). */
    payout: real('payout').notNull(),
    /** The payout the published result had, for the difference payroll pays. */
    originalPayout: real('original_payout'),
    reason: text('reason').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('corrections_run').on(t.runId, t.createdAt), uniqueIndex('corrections_source').on(t.source, t.sourceId)],
);

// ---------------------------------------------------------------------------------------------
// The year (年度考核, DESIGN 3b)

/** An annual review: the year's four published quarterly runs graded into annual grades. */
export const annualReviews = sqliteTable(
  'annual_reviews',
  {
    id: text('id').primaryKey(),
    year: integer('year').notNull(),
    policyHash: text('policy_hash').notNull().references(() => policies.hash),
    /** SHA-256 of the canonical annual input (quarters per officer, effective tiers, flags). */
    inputDigest: text('input_digest').notNull(),
    resultsDigest: text('results_digest').notNull(),
    /** The runs used: [{ period, runId, inputDigest, resultsDigest }], Q1..Q4. */
    runs: text('runs', { mode: 'json' }).notNull().$type<{ period: string; runId: string; inputDigest: string; resultsDigest: string }[]>(),
    /** The run-wide facts the explanations quote (scoring/annual-explain.ts AnnualExplainBasis). */
    basis: text('basis', { mode: 'json' }).notNull(),
    status: text('status', { enum: ['computed', 'published', 'discarded'] }).notNull(),
    whatIf: integer('what_if', { mode: 'boolean' }).notNull().default(false),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    publishedBy: text('published_by'),
    publishedAt: text('published_at'),
  },
  (t) => [index('annual_reviews_year').on(t.year, t.createdAt)],
);

export const annualResults = sqliteTable(
  'annual_results',
  {
    reviewId: text('review_id').notNull().references(() => annualReviews.id),
    officerCode: text('officer_code').notNull().references(() => officers.code),
    status: text('status', { enum: ['rated', 'not_rated'] }).notNull(),
    score: real('score'),
    rank: integer('rank'),
    grade: text('grade', { enum: ['excellent', 'competent', 'basically_competent', 'incompetent'] }),
    /** The engine's figures without the explanation (rendered on read with the review's basis). */
    detail: text('detail', { mode: 'json' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.reviewId, t.officerCode] }), index('annual_results_officer').on(t.officerCode)],
);

/** Appeals against an annual result: the quarterly rules (15 days, one per result, another HR decides). */
export const annualAppeals = sqliteTable(
  'annual_appeals',
  {
    id: text('id').primaryKey(),
    reviewId: text('review_id').notNull().references(() => annualReviews.id),
    officerCode: text('officer_code').notNull().references(() => officers.code),
    reason: text('reason').notNull(),
    filedBy: text('filed_by').notNull(),
    filedAt: text('filed_at').notNull(),
    status: text('status', { enum: ['pending', 'upheld', 'dismissed'] }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: text('decided_at'),
    decisionReason: text('decision_reason'),
    /** An upheld appeal's corrected grade: the effective grade from then on. */
    correctedGrade: text('corrected_grade', { enum: ['excellent', 'competent', 'basically_competent', 'incompetent'] }),
  },
  (t) => [uniqueIndex('annual_appeals_result').on(t.reviewId, t.officerCode), index('annual_appeals_status').on(t.status)],
);

// ---------------------------------------------------------------------------------------------
// Audit log (RFC 9162 leaves). Append-only: triggers in the migrations refuse UPDATE and DELETE.

export const auditEntries = sqliteTable(
  'audit_entries',
  {
    /** 0-based leaf index; assigned inside the writing batch as max(seq) + 1, so gap-free. */
    seq: integer('seq').primaryKey(),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    /** The exact leaf bytes: canonical JSON of { action, actor, at, entity, entityId, payload }. */
    leaf: text('leaf').notNull(),
    /** SHA-256(0x00 || leaf), hex. */
    leafHash: text('leaf_hash').notNull(),
  },
  (t) => [index('audit_entity').on(t.entity, t.entityId)],
);

/** Signed checkpoints; each one is consistent with every one signed before it. */
export const auditCheckpoints = sqliteTable('audit_checkpoints', {
  size: integer('size').primaryKey(),
  rootHash: text('root_hash').notNull(),
  at: text('at').notNull(),
  text: text('text').notNull(),
});

/**
 * Hashes of complete, aligned subtrees of the audit tree (RFC 9162 MTH of leaves
 * [idx * 2^level, (idx + 1) * 2^level)), for levels >= NODE_FLOOR (src/audit/tree-store.ts), so a
 * root or proof reads O(log n) rows at any size. A cache derived from audit_entries: the
 * verifier recomputes every row; rows are written with INSERT OR IGNORE and never change.
 */
export const auditNodes = sqliteTable(
  'audit_nodes',
  {
    level: integer('level').notNull(),
    idx: integer('idx').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.level, t.idx] })],
);

/**
 * Cosignatures of our checkpoints by the witnesses in `WITNESSES` (C2SP tlog-witness, signatures
 * in the C2SP tlog-cosignature/v1 form), each checked against the witness's key before it is kept
 * (src/audit/witness.ts). Served after our own signature line in GET /api/v1/audit/checkpoint.
 * Append-only like the checkpoints (migration audit_witness_append_only).
 */
export const auditCosignatures = sqliteTable(
  'audit_cosignatures',
  {
    /** The cosigned checkpoint (audit_checkpoints.size). */
    size: integer('size').notNull(),
    /** The witness's key name. */
    witness: text('witness').notNull(),
    /** The cosignature's own time (POSIX seconds), from its signed timestamp. */
    timestamp: integer('timestamp').notNull(),
    /** The note signature line as the witness sent it: `— <name> <base64>`. */
    line: text('line').notNull(),
  },
  (t) => [primaryKey({ columns: [t.size, t.witness] }), index('audit_cosignatures_witness').on(t.witness, t.size)],
);

/**
 * Signed checkpoints of a history that a restore rewound (`npm run restore -- --accept-rewind`):
 * kept beside the restored log, each with the audit entry that records the rewind and its reason
 * (`rewind_seq`), so the verifier can report the rewind (src/ops/restore.ts, docs/operations.md).
 */
export const auditRewoundCheckpoints = sqliteTable(
  'audit_rewound_checkpoints',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    size: integer('size').notNull(),
    rootHash: text('root_hash').notNull(),
    at: text('at').notNull(),
    /** The signed note with every cosignature line it had. */
    text: text('text').notNull(),
    /** Leaf index of the `audit.rewind` entry that records this rewind. */
    rewindSeq: integer('rewind_seq').notNull(),
  },
  (t) => [index('audit_rewound_seq').on(t.rewindSeq)],
);

// ---------------------------------------------------------------------------------------------
// Collective review, due process, spot checks and the public summary (issue 13; DESIGN section 4:
// "Collective review", due process, "Double random, one public").

/** Who investigated a decision's case (named by the decider): never drawn onto its panel. */
export const decisionInvestigators = sqliteTable(
  'decision_investigators',
  {
    decisionId: text('decision_id').notNull().references(() => decisions.id),
    officerCode: text('officer_code').notNull().references(() => officers.code),
  },
  (t) => [primaryKey({ columns: [t.decisionId, t.officerCode] })],
);

export const reviewStatuses = ['pending_review', 'approved', 'rejected', 'lapsed', 'superseded'] as const;

/**
 * The collective review (集体审议) of a decision whose type needs one. The decision row itself is
 * never edited; the review is its own record: the panel the service drew (seats in
 * decision_reviewers), the draw, the quorum, and the outcome once the members have voted.
 */
export const decisionReviews = sqliteTable(
  'decision_reviews',
  {
    decisionId: text('decision_id').primaryKey().references(() => decisions.id),
    status: text('status', { enum: reviewStatuses }).notNull(),
    /** Members drawn (the policy's panel size, or fewer when too few were eligible). */
    panelSize: integer('panel_size').notNull(),
    /** Votes needed to close: ceil(quorum share x panel size). */
    quorum: integer('quorum').notNull(),
    approvals: integer('approvals').notNull().default(0),
    rejections: integer('rejections').notNull().default(0),
    /** { seedInputs, seed, eligible, fill?, picked } or, for an amendment, the original's draw with `inheritedFrom`. */
    draw: text('draw', { mode: 'json' }).notNull(),
    openedAt: text('opened_at').notNull(),
    /** Without quorum by then, the review lapses. */
    dueAt: text('due_at').notNull(),
    closedAt: text('closed_at'),
    /** The amount decided: the proposal when approved; null otherwise. */
    decidedAmount: real('decided_amount'),
  },
  (t) => [index('decision_reviews_status').on(t.status, t.dueAt)],
);

/** Votes cast by panel members themselves, with their own token; once each (the key). */
export const decisionVotes = sqliteTable(
  'decision_votes',
  {
    decisionId: text('decision_id').notNull().references(() => decisions.id),
    officerCode: text('officer_code').notNull().references(() => officers.code),
    vote: text('vote', { enum: ['approve', 'reject'] }).notNull(),
    reason: text('reason').notNull(),
    /** The user whose token cast it (linked to officerCode). */
    userId: text('user_id').notNull(),
    castAt: text('cast_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.decisionId, t.officerCode] }), index('decision_votes_officer').on(t.officerCode)],
);

/** When the subject of a penalty-carrying flag was told of it (申辩: they may answer until answer_due_at). */
export const flagNotices = sqliteTable('flag_notices', {
  flagId: text('flag_id').primaryKey().references(() => flags.id),
  toldAt: text('told_at').notNull(),
  answerDueAt: text('answer_due_at').notNull(),
});

/** The subject's answer to a flag; once. The audit leaf holds a salted commitment, not the text. */
export const flagAnswers = sqliteTable('flag_answers', {
  flagId: text('flag_id').primaryKey().references(() => flags.id),
  text: text('text').notNull(),
  /** Random salt of the answer's commitment in its audit leaf. */
  nonce: text('nonce').notNull(),
  answeredBy: text('answered_by').notNull(),
  answeredAt: text('answered_at').notNull(),
});

/** Escalations of a flag to a higher reviewer (a supervisor outside the subject's unit), drawn like the first. */
export const flagEscalations = sqliteTable(
  'flag_escalations',
  {
    flagId: text('flag_id').notNull().references(() => flags.id),
    level: integer('level').notNull(),
    escalatedBy: text('escalated_by').notNull(),
    reason: text('reason').notNull(),
    at: text('at').notNull(),
    draw: text('draw', { mode: 'json' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.flagId, t.level] })],
);

/** A quarter's random spot check of decisions (双随机); one per quarter. */
export const spotChecks = sqliteTable('spot_checks', {
  id: text('id').primaryKey(),
  period: text('period').notNull().unique(),
  seed: text('seed').notNull(),
  /** { seedInputs, asOf, share, strata, officers, supervisors }: what re-runs the draw. */
  draw: text('draw', { mode: 'json' }).notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: text('created_at').notNull(),
});

export const spotCheckItems = sqliteTable(
  'spot_check_items',
  {
    spotCheckId: text('spot_check_id').notNull().references(() => spotChecks.id),
    decisionId: text('decision_id').notNull().references(() => decisions.id),
    /** Why it was drawn: the type's sample, or the officer's one. */
    stratum: text('stratum', { enum: ['type', 'officer'] }).notNull(),
    reviewerUserId: text('reviewer_user_id'),
    outcome: text('outcome', { enum: ['compliant', 'finding'] }),
    note: text('note'),
    recordedBy: text('recorded_by'),
    recordedAt: text('recorded_at'),
    flagId: text('flag_id'),
  },
  (t) => [primaryKey({ columns: [t.spotCheckId, t.decisionId] }), index('spot_check_items_reviewer').on(t.reviewerUserId, t.outcome)],
);

/** A quarter's public summary (一公开) as published: its figures and their digest, committed in the audit log. */
export const publicSummaries = sqliteTable(
  'public_summaries',
  {
    period: text('period').notNull(),
    version: integer('version').notNull(),
    figures: text('figures', { mode: 'json' }).notNull(),
    /** SHA-256 of the figures' canonical JSON; the audit leaf at audit_index holds it. */
    digest: text('digest').notNull(),
    auditIndex: integer('audit_index').notNull(),
    publishedBy: text('published_by').notNull(),
    publishedAt: text('published_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.period, t.version] })],
);

// Long-running jobs (src/jobs, docs/adr/0075-long-jobs-run-in-steps-that-each-fit-one-invocation.md)

/**
 * A job that runs in steps (a grading run over a province, a full flag scan on D1): its progress
 * for the consoles, and at most one running job per (kind, key), so two scans never overlap.
 * Bookkeeping, like the audit node cache: the records a job writes are audited by the job's own
 * verbs, in the batch that makes them visible. Only entries that may hand a job over (the Worker)
 * keep rows here; on Node a job runs to its end inside the call that started it.
 */
export const jobs = sqliteTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    /** What the job works on: a run id, or the kind itself for jobs of which one runs at a time. */
    key: text('key').notNull(),
    status: text('status', { enum: ['running', 'done', 'failed'] }).notNull(),
    /** Units of work done and in all (result rows, flags), as the last step reported them. */
    done: integer('done').notNull(),
    total: integer('total'),
    steps: integer('steps').notNull(),
    error: text('error'),
    output: text('output', { mode: 'json' }),
    /** The actor label of who started it (`user:hr1`, `system:flag-scan`). */
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('jobs_one_running').on(t.kind, t.key).where(sql`status = 'running'`), index('jobs_key').on(t.key, t.createdAt)],
);

/**
 * Work a job carries from one step to the next when it is too large for the step's state (1 MiB
 * on Workflows): e.g. the flag candidates a scan found but has not raised yet, as JSON chunks
 * under D1's value size. A chunk is deleted in the batch that finishes its work.
 */
export const jobItems = sqliteTable(
  'job_items',
  {
    jobId: text('job_id').notNull(),
    seq: integer('seq').notNull(),
    body: text('body').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.seq] })],
);
