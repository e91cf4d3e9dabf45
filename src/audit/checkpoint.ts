/**
 * Signed checkpoints of the audit log, in the C2SP tlog-checkpoint text form
 * (https://c2sp.org/tlog-checkpoint) wrapped in a C2SP signed note (https://c2sp.org/signed-note):
 *
 *     <origin>\n<tree size>\n<base64 root hash>\ntime <ISO 8601>\n\n— <key name> <base64(key id || signature)>\n
 *
 * The `time` extension line puts the signing time under the signature (DESIGN 5: size, root,
 * time). Ed25519 over the note body (every line up to the blank one, each ending in \n); the key
 * id is the first 4 bytes of SHA-256(key name || 0x0A || 0x01 || public key) and the key name is
 * the origin. The service never signs a checkpoint that it cannot prove consistent (RFC 9162
 * 2.1.4) with the last one it signed.
 */
import { sql } from 'drizzle-orm';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { AuditSigner, Ctx } from '../core/context.js';
import { ApiError } from '../core/errors.js';
import type { Db } from '../../db/client.js';
import { defaultSha256, equalHashes, hashToHex, verifyConsistency, type Hash } from './merkle.js';
import { readLeafPage } from './leaf-pages.js';
import { AuditIntegrityError, storedConsistencyProof, storedRoot, syncTree, treeSize } from './tree-store.js';

const ED25519 = 0x01;
const EM_DASH = '\u2014';

export function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * C2SP signed-note key id: SHA-256(name || 0x0A || type || key)[0:4]; type 0x01 for our Ed25519
 * note signatures, 0x04 for a witness's Ed25519 cosignatures (C2SP tlog-cosignature).
 */
export function keyId(name: string, publicKey: Uint8Array, type = ED25519): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const buf = new Uint8Array(nameBytes.length + 2 + publicKey.length);
  buf.set(nameBytes, 0);
  buf[nameBytes.length] = 0x0a;
  buf[nameBytes.length + 1] = type;
  buf.set(publicKey, nameBytes.length + 2);
  return sha256(buf).slice(0, 4);
}

/** The C2SP verifier key string: `<name>+<hex key id>+<base64(0x01 || public key)>`. */
export function verifierKey(name: string, publicKey: Uint8Array): string {
  return `${name}+${hashToHex(keyId(name, publicKey))}+${base64(new Uint8Array([ED25519, ...publicKey]))}`;
}

export interface CheckpointBody {
  origin: string;
  size: number;
  rootHash: Hash;
  /** ISO 8601 signing time (the `time` extension line). */
  time: string;
}

export function checkpointBody(b: CheckpointBody): string {
  if (!b.origin || /\s|\+/.test(b.origin)) throw new Error('checkpoint origin must be non-empty, without spaces or "+"');
  return `${b.origin}\n${b.size}\n${base64(b.rootHash)}\ntime ${b.time}\n`;
}

/** Signs a note body (C2SP signed-note), naming the key by the origin. */
export function signCheckpoint(b: CheckpointBody, signer: AuditSigner): string {
  const body = checkpointBody(b);
  const sig = signer.sign(new TextEncoder().encode(body));
  const blob = new Uint8Array([...keyId(b.origin, signer.publicKey), ...sig]);
  return `${body}\n${EM_DASH} ${b.origin} ${base64(blob)}\n`;
}

export interface ParsedCheckpoint extends CheckpointBody {
  body: string;
  signatures: Array<{ name: string; keyId: Uint8Array; signature: Uint8Array }>;
}

/** Parses a signed checkpoint; null when it is not one. Does not check signatures. */
export function parseCheckpoint(text: string): ParsedCheckpoint | null {
  const split = text.indexOf('\n\n');
  if (split < 0 || !text.endsWith('\n')) return null;
  const body = text.slice(0, split + 1);
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) return null;
  const [origin, sizeText, rootText, ...ext] = lines as [string, string, string, ...string[]];
  if (!origin || !/^(0|[1-9][0-9]*)$/.test(sizeText)) return null;
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return null;
  let rootHash: Uint8Array;
  try {
    rootHash = fromBase64(rootText);
  } catch {
    return null;
  }
  if (rootHash.length !== 32) return null;
  const time = ext.find((l) => l.startsWith('time '))?.slice(5) ?? '';
  const signatures: ParsedCheckpoint['signatures'] = [];
  for (const line of text.slice(split + 2, -1).split('\n')) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) return null;
    let blob: Uint8Array;
    try {
      blob = fromBase64(m[2]!);
    } catch {
      return null;
    }
    if (blob.length < 5) return null;
    signatures.push({ name: m[1]!, keyId: blob.slice(0, 4), signature: blob.slice(4) });
  }
  if (signatures.length === 0) return null;
  return { origin, size, rootHash, time, body, signatures };
}

/**
 * Verifies a signed checkpoint against our Ed25519 key (the signature whose key name is the
 * origin and whose key id matches). Returns the parsed checkpoint, or null.
 */
export function verifyCheckpoint(text: string, publicKey: Uint8Array): ParsedCheckpoint | null {
  const cp = parseCheckpoint(text);
  if (!cp) return null;
  const id = keyId(cp.origin, publicKey);
  const sig = cp.signatures.find((s) => s.name === cp.origin && equalHashes(s.keyId, id));
  if (!sig || sig.signature.length !== 64) return null;
  try {
    return ed25519.verify(sig.signature, new TextEncoder().encode(cp.body), publicKey) ? cp : null;
  } catch {
    return null;
  }
}

export interface CheckpointRecord {
  size: number;
  /** hex */
  rootHash: string;
  timestamp: string;
  /** The signed C2SP text. */
  checkpoint: string;
}

export type CheckpointDeps = Pick<Ctx, 'db' | 'signer' | 'clock' | 'config'>;

export async function latestCheckpoint(db: Db): Promise<CheckpointRecord | null> {
  const rows = await db.all<{ size: number; root_hash: string; at: string; text: string }>(
    sql`select size, root_hash, at, text from audit_checkpoints order by size desc limit 1`,
  );
  const r = rows[0];
  return r ? { size: Number(r.size), rootHash: r.root_hash, timestamp: r.at, checkpoint: r.text } : null;
}

function refuse(detail: string): never {
  // A refusal means the stored log or its cache no longer extends what we signed: someone with
  // database access changed history. Loud in the logs, explicit to the caller.
  console.error(`[audit] refusing to sign a checkpoint: ${detail}`);
  throw new ApiError(500, 'audit_log_inconsistent', `The audit log is not consistent with its last signed checkpoint; no checkpoint was signed. ${detail}`);
}

/** Checks leaf_hash = SHA-256(0x00 || leaf) and the absence of gaps for entries [from, to). */
async function checkNewLeaves(db: Db, from: number, to: number): Promise<void> {
  const PAGE = 4096;
  for (let a = from; a < to; a += PAGE) {
    const page = await readLeafPage(db, a, Math.min(to, a + PAGE), defaultSha256);
    if (!page.ok) refuse(page.problem);
  }
}

/**
 * Signs and stores a checkpoint of the log as it is now, unless the latest stored one already
 * has this size (then returns it). Before signing: extends the node cache, re-hashes every entry
 * added since the last checkpoint, and verifies the RFC 9162 consistency proof from the last
 * signed checkpoint (its signed text, not the root_hash column) to the new root. Any failure is a
 * refusal (500 `audit_log_inconsistent`, logged). Safe to run concurrently: the checkpoint row is
 * INSERT OR IGNORE on its size and the stored row is returned.
 *
 * This is also the scheduled job (src/scheduled.ts).
 */
export async function makeCheckpoint(deps: CheckpointDeps): Promise<CheckpointRecord> {
  const { db, signer, clock, config } = deps;
  // A checkpoint kept from a rewound history must have the entry that records the rewind and its
  // reason before anything new is signed (npm run restore writes both in one batch).
  const unrecorded = await db.all<{ size: number }>(
    sql`select r.size from audit_rewound_checkpoints r where not exists
          (select 1 from audit_entries e where e.seq = r.rewind_seq and e.action = 'audit.rewind') limit 1`,
  );
  if (unrecorded[0]) refuse(`A checkpoint of size ${unrecorded[0].size} was kept from a rewound history without an audit entry recording the rewind.`);
  const size = await treeSize(db);
  const last = await latestCheckpoint(db);
  let lastRoot: Hash | null = null;
  if (last) {
    const parsed = verifyCheckpoint(last.checkpoint, signer.publicKey);
    if (!parsed || parsed.size !== last.size) refuse(`The stored checkpoint at size ${last.size} does not carry our valid signature.`);
    if (hashToHex(parsed.rootHash) !== last.rootHash) refuse(`The stored checkpoint at size ${last.size} has a root that differs from its signed text.`);
    if (last.size > size) refuse(`The log has ${size} entries but a checkpoint was signed at size ${last.size}.`);
    if (last.size === size) return last;
    lastRoot = parsed.rootHash;
  }
  let root: Hash;
  try {
    await checkNewLeaves(db, last?.size ?? 0, size);
    await syncTree(db);
    root = await storedRoot(db, size);
    if (last && lastRoot) {
      const proof = await storedConsistencyProof(db, last.size, size);
      if (!verifyConsistency(last.size, size, lastRoot, root, proof)) {
        refuse(`The tree of size ${size} does not extend the signed tree of size ${last.size}.`);
      }
    }
  } catch (err) {
    if (err instanceof AuditIntegrityError) refuse(err.message);
    throw err;
  }
  const timestamp = clock.now().toISOString();
  const text = signCheckpoint({ origin: config.logOrigin, size, rootHash: root, time: timestamp }, signer);
  // Not through commit(): a checkpoint is a statement about the log, not a domain write, and an
  // audit entry for it would change the size it signs.
  await db.run(sql`insert or ignore into audit_checkpoints (size, root_hash, at, text) values (${size}, ${hashToHex(root)}, ${timestamp}, ${text})`);
  const rows = await db.all<{ size: number; root_hash: string; at: string; text: string }>(
    sql`select size, root_hash, at, text from audit_checkpoints where size = ${size}`,
  );
  const r = rows[0]!;
  return { size: Number(r.size), rootHash: r.root_hash, timestamp: r.at, checkpoint: r.text };
}
