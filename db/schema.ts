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
  name: text('name').notNull(),
  category: text('category', { enum: taxpayerCategories }).notNull(),
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
    taxpayerCode: text('taxpayer_code').notNull().references(() => taxpayers.code),
    interactionRef: text('interaction_ref').notNull().unique(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    usedAt: text('used_at'),
    sampleId: text('sample_id'),
  },
  (t) => [index('invitations_officer').on(t.officerCode)],
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
  },
  (t) => [
    index('responses_period_officer').on(t.period, t.officerCode, t.status),
    index('responses_officer_time').on(t.officerCode, t.submittedAt),
  ],
);

export const complaints = sqliteTable(
  'complaints',
  {
    id: text('id').primaryKey(),
    responseId: text('response_id').notNull().references(() => feedbackResponses.id),
    officerCode: text('officer_code').notNull().references(() => officers.code),
    text: text('text').notNull(),
    createdAt: text('created_at').notNull(),
    flagId: text('flag_id'),
  },
  (t) => [index('complaints_officer').on(t.officerCode)],
);

/** Reproducible random return visits (回访): the seed is recorded so the draw can be re-run. */
export const returnVisitSamples = sqliteTable('return_visit_samples', {
  id: text('id').primaryKey(),
  period: text('period').notNull(),
  perOfficer: integer('per_officer').notNull(),
  seed: text('seed').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: text('created_at').notNull(),
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

export const gradingRuns = sqliteTable(
  'grading_runs',
  {
    id: text('id').primaryKey(),
    period: text('period').notNull(),
    policyHash: text('policy_hash').notNull().references(() => policies.hash),
    inputDigest: text('input_digest').notNull(),
    status: text('status', { enum: ['computing', 'computed', 'published', 'failed'] }).notNull(),
    whatIf: integer('what_if', { mode: 'boolean' }).notNull().default(false),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    publishedBy: text('published_by'),
    publishedAt: text('published_at'),
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
