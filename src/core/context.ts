import type { Clock } from './clock.js';
import type { Db } from '../../db/client.js';
import type { Role } from '../../db/schema.js';
import type { AuditSigner } from '../audit/signer.js';

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
}

export interface AppConfig {
  /** Base URL used in invitation links, e.g. https://grading.example.gov.cn */
  publicUrl: string;
  /** Bureau name printed on slips and reports. */
  bureauName: string;
  /** Checkpoint origin line (C2SP tlog-checkpoint). */
  logOrigin: string;
  /** Witnesses that cosign checkpoints (`WITNESSES`; src/audit/witness.ts). */
  witnesses?: readonly WitnessConfig[];
}

/** A witness of the audit log (C2SP tlog-witness): its submission URL and its C2SP verifier key. */
export interface WitnessConfig {
  url: string;
  verifierKey: string;
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
