/**
 * Audit verbs: what the API and the /verify page call. Reading the tree is public (checkpoint,
 * key, proofs, receipt check); entries hold personal data (admin, supervisor); the full verify is
 * admin-only because it reads the whole log.
 */
import { sql } from 'drizzle-orm';
import { actingOfficer, requireRole, type Ctx } from '../core/context.js';
import { badRequest } from '../core/errors.js';
import { base64, makeCheckpoint, verifierKey, type CheckpointRecord } from './checkpoint.js';
import { hashToHex, hexToHash, verifyInclusion } from './merkle.js';
import { storedConsistencyProof, storedInclusionProof, syncTree, treeSize } from './tree-store.js';
import { verifyLog, type VerifyReport } from './verify.js';
import { withCosignatures, witnessViews, type WitnessView } from './witness.js';

/** Entries returned per call at most. */
export const MAX_ENTRIES = 1000;

export interface AuditKey {
  algorithm: 'Ed25519';
  /** base64 of the raw 32-byte key */
  publicKey: string;
  keyName: string;
  /** C2SP signed-note verifier key */
  verifierKey: string;
}

export function getAuditKey({ ctx }: { ctx: Pick<Ctx, 'signer' | 'config'> }): AuditKey {
  const name = ctx.config.logOrigin;
  return { algorithm: 'Ed25519', publicKey: base64(ctx.signer.publicKey), keyName: name, verifierKey: verifierKey(name, ctx.signer.publicKey) };
}

/**
 * The latest checkpoint, signed now if the log has grown since the last one (public), with the
 * cosignature lines of the witnesses that have cosigned it after our own signature.
 */
export async function getCheckpoint({ ctx }: { ctx: Ctx }) {
  return withCosignatures(ctx.db, await makeCheckpoint(ctx));
}

export interface AuditEntryView {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  payload: unknown;
  /** base64 of the exact leaf bytes (UTF-8 canonical JSON); null when withheld from this reader. */
  leaf: string | null;
  leafHash: string;
  /** Why the payload and leaf bytes are not shown: `own_case`, an entry about the reader. */
  withheld?: 'own_case';
}

/** Payload members that name the officer an entry is about (flags, adjustments, appeals, complaints, voids, decisions). */
const SUBJECT_KEYS = ['subjectCode', 'subjectOfficerCode', 'officerCode'] as const;

/** True when a leaf's payload is about `officerCode` (one of SUBJECT_KEYS names it). */
function aboutOfficer(payload: unknown, officerCode: string): boolean {
  if (!payload || typeof payload !== 'object') return false;
  const p = payload as Record<string, unknown>;
  return SUBJECT_KEYS.some((k) => p[k] === officerCode);
}

/**
 * Entries [from, to) with their exact leaf bytes (admin, supervisor); at most MAX_ENTRIES. Leaves
 * hold no personal data (DESIGN 5: commitments instead), so a reader sees every entry, except
 * that a supervisor linked to an officer record does not read the entries about that officer
 * (their flags, complaints about them, their adjustments and appeals): those come with their
 * leaf hash only, `withheld: 'own_case'` (the hash still lets them check the tree).
 */
export async function listEntries({ ctx, input }: { ctx: Ctx; input: { from: number; to?: number } }) {
  requireRole(ctx.actor, 'admin', 'supervisor');
  const size = await treeSize(ctx.db);
  const from = input.from;
  const wanted = input.to ?? from + 100;
  if (wanted < from) throw badRequest('`to` must not be below `from`.', [{ path: 'to', message: `must be >= from (${from})` }]);
  const to = Math.min(wanted, from + MAX_ENTRIES, Math.max(size, from));
  const rows = await ctx.db.all<{ seq: number; at: string; actor: string; action: string; entity: string; entity_id: string; leaf: string; leaf_hash: string }>(
    sql`select seq, at, actor, action, entity, entity_id, leaf, leaf_hash from audit_entries where seq >= ${from} and seq < ${to} order by seq`,
  );
  const encoder = new TextEncoder();
  const me = actingOfficer(ctx.actor);
  const entries: AuditEntryView[] = rows.map((r) => {
    let payload: unknown = null;
    try {
      payload = (JSON.parse(r.leaf) as { payload?: unknown }).payload ?? null;
    } catch {
      payload = null; // the verifier reports such an entry; the listing still shows its bytes
    }
    if (me && aboutOfficer(payload, me)) {
      return { seq: Number(r.seq), at: r.at, actor: r.actor, action: r.action, entity: r.entity, entityId: r.entity_id, payload: null, leaf: null, leafHash: r.leaf_hash, withheld: 'own_case' };
    }
    return {
      seq: Number(r.seq),
      at: r.at,
      actor: r.actor,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      payload,
      leaf: base64(encoder.encode(r.leaf)),
      leafHash: r.leaf_hash,
    };
  });
  return { from, to, size, entries };
}

function checkSize(size: number, treeN: number, field: string) {
  if (size > treeN) throw badRequest(`The log has ${treeN} entries; ${field} ${size} is beyond it.`, [{ path: field, message: `must be <= ${treeN}` }]);
}

/** RFC 9162 2.1.3.1 inclusion proof of leaf `index` in the tree of `size` (default: now). */
export async function getInclusionProof({ ctx, input }: { ctx: Pick<Ctx, 'db'>; input: { index: number; size?: number } }) {
  const n = await treeSize(ctx.db);
  const size = input.size ?? n;
  checkSize(size, n, 'size');
  if (input.index >= size) throw badRequest(`Leaf ${input.index} is not in a tree of ${size} leaves.`, [{ path: 'index', message: `must be < size (${size})` }]);
  await syncTree(ctx.db);
  const path = await storedInclusionProof(ctx.db, input.index, size);
  const rows = await ctx.db.all<{ leaf_hash: string }>(sql`select leaf_hash from audit_entries where seq = ${input.index}`);
  return { index: input.index, size, leafHash: rows[0]?.leaf_hash ?? null, path: path.map(hashToHex) };
}

/** RFC 9162 2.1.4.1 consistency proof between the trees of `from` and `to` leaves. */
export async function getConsistencyProof({ ctx, input }: { ctx: Pick<Ctx, 'db'>; input: { from: number; to: number } }) {
  const n = await treeSize(ctx.db);
  checkSize(input.to, n, 'to');
  if (input.from > input.to) throw badRequest('`from` must not exceed `to`.', [{ path: 'from', message: `must be <= to (${input.to})` }]);
  await syncTree(ctx.db);
  const path = await storedConsistencyProof(ctx.db, input.from, input.to);
  return { from: input.from, to: input.to, path: path.map(hashToHex) };
}

/** Recomputes the whole log (admin). Reads every entry: minutes at millions of entries. */
export async function verifyAuditLog({ ctx }: { ctx: Ctx }): Promise<VerifyReport> {
  requireRole(ctx.actor, 'admin');
  return verifyLog(ctx.db, ctx.signer.publicKey);
}

export interface ReceiptVerdict {
  index: number;
  leafHash: string;
  included: boolean;
  /** Why not, when not included. */
  problem?: string;
  checkpoint: CheckpointRecord & { cosignatures: Array<{ witness: string; time: string }> };
  path: string[];
  /** Each witness: the largest tree it has cosigned, and whether that tree holds this receipt. */
  witnesses: Array<WitnessView & { holdsReceipt: boolean }>;
}

/**
 * Checks a receipt (leaf index + leaf hash) against the latest signed checkpoint: the RFC 9162
 * 2.1.3.2 verification of the stored inclusion proof with the receipt's own hash, so a changed or
 * removed entry, or a receipt that was never issued, does not verify.
 */
export async function verifyReceipt({ ctx, input }: { ctx: Ctx; input: { index: number; hash: string } }): Promise<ReceiptVerdict> {
  // A hash copied from a wrapped receipt may hold spaces or line breaks anywhere.
  const hash = input.hash.replace(/\s+/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hash)) throw badRequest('The receipt hash must be 64 hexadecimal characters.', [{ path: 'hash', message: 'expected 64 hex characters' }]).say('receipt_hash');
  const checkpoint = await withCosignatures(ctx.db, await makeCheckpoint(ctx));
  // A witness that cosigned a tree larger than the index has seen the log up to this receipt:
  // every stored checkpoint is consistent with the latest one (makeCheckpoint refuses otherwise).
  const views = await witnessViews(ctx.db, ctx.config);
  const witnesses = views.map((v) => ({ ...v, holdsReceipt: v.size > input.index }));
  if (input.index >= checkpoint.size) {
    return { index: input.index, leafHash: hash, included: false, problem: `The log has ${checkpoint.size} entries; leaf ${input.index} is not among them.`, checkpoint, path: [], witnesses: witnesses.map((w) => ({ ...w, holdsReceipt: false })) };
  }
  await syncTree(ctx.db);
  const path = await storedInclusionProof(ctx.db, input.index, checkpoint.size);
  const included = verifyInclusion(input.index, checkpoint.size, hexToHash(hash), path, hexToHash(checkpoint.rootHash));
  return {
    index: input.index,
    leafHash: hash,
    included,
    ...(included ? {} : { problem: `No entry with this hash is at index ${input.index} in the signed tree of ${checkpoint.size} entries.` }),
    checkpoint,
    path: path.map(hashToHex),
    witnesses: included ? witnesses : witnesses.map((w) => ({ ...w, holdsReceipt: false })),
  };
}
