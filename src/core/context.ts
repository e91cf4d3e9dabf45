import type { Clock } from './clock.js';
import type { AppConfig } from './config.js';
import type { Db } from '../../db/client.js';
import type { Role } from '../../db/schema.js';
import { ApiError, forbidden, unauthorized } from './errors.js';

/** Who is acting. Taxpayers and the scheduler act without a user. */
export type Actor =
  | { kind: 'user'; userId: string; username: string; role: Role; officerCode: string | null; tokenId: string }
  | { kind: 'taxpayer' }
  | { kind: 'system'; name: string };

/** What every service verb receives: the database, the clock, the actor and the config. */
export interface Ctx {
  db: Db;
  clock: Clock;
  actor: Actor;
  config: AppConfig;
  signer: AuditSigner;
  /** The limits of the invocation this verb runs in, where the runtime has them (the Worker). */
  invocation?: Invocation;
}

/**
 * The invocation a verb runs in, where the runtime limits it: on Workers, D1 counts every
 * statement (a batch's too) against 1,000 per invocation. A long job (src/jobs) spends what is
 * left, then continues past the invocation in the runtime's own engine for durable multi-step
 * work (a Workflow instance). Absent on Node: no limit; a job runs to its end in one go.
 */
export interface Invocation {
  /** Statements this invocation may still run. */
  statementsLeft(): number;
  /** Hands a job's next steps to the runtime (a Workflow instance); resolves once it is accepted. */
  continueJob(job: JobHandOver): Promise<void>;
}

/** What a job's next step needs, handed from one invocation to the next (JSON, small). */
export interface JobHandOver {
  id: string;
  kind: string;
  key: string;
  state: unknown;
  actor: Actor;
}

/**
 * Signs checkpoints of the audit log. Declared here, where `Ctx` carries it, so the context
 * needs nothing from the audit module; `audit/signer.ts` makes one from an Ed25519 seed.
 */
export interface AuditSigner {
  /** Raw 32-byte public key. */
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return `user:${actor.username}`;
    case 'taxpayer':
      return 'taxpayer';
    case 'system':
      return `system:${actor.name}`;
  }
}

/**
 * Role check for service verbs: 401 without a user, 403 with the wrong role. Here, beside the
 * actor it checks, so every domain (the audit log included) can check roles without importing auth.
 */
export function requireRole(actor: Actor, ...allowed: Role[]): asserts actor is Actor & { kind: 'user' } {
  if (actor.kind !== 'user') throw unauthorized();
  if (!allowed.includes(actor.role)) {
    throw forbidden(`This needs one of the roles: ${allowed.join(', ')}; the token's role is ${actor.role}.`);
  }
}

/**
 * The officer an actor IS, for every rule about oneself (DESIGN 1): a user linked to an officer
 * record is that officer whatever the user's role (an HR user who is also officer E0042 is E0042).
 * null for users without a record, taxpayers and the system.
 */
export function actingOfficer(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.officerCode : null;
}

/** True when the case is about the actor themself: `subjectCode` is the officer the actor is. */
export function isOwnCase(actor: Actor, subjectCode: string | null | undefined): boolean {
  const me = actingOfficer(actor);
  return me !== null && subjectCode != null && me === subjectCode;
}

/**
 * The one refusal for acting on or reading one's own case (proposing or deciding an adjustment,
 * deciding an appeal, reading individual feedback or complaints, reviewing a flag, voting on a
 * panel...). Every verb that touches a case about an officer calls this with that officer.
 * 403 `own_case`; `what` says what was refused, for the reader.
 */
export function refuseOwnCase(actor: Actor, subjectCode: string | null | undefined, what: string): void {
  if (isOwnCase(actor, subjectCode)) throw new ApiError(403, 'own_case', `Nobody acts on their own case: ${what}.`).say('own_case');
}
