/**
 * Witnesses: parties outside the operator that cosign our checkpoints after checking that each
 * one extends the last one they saw, so that a log rewound by whoever holds the database (a
 * restored old copy, a rewritten file) is refused by someone who does not.
 *
 * - Protocol: C2SP tlog-witness (https://c2sp.org/tlog-witness), `POST <url>/add-checkpoint` with
 *   `old <size>\n`, the RFC 6962 consistency proof from that size (one base64 hash a line), an
 *   empty line and our signed checkpoint. 200: cosignature lines; 409 (`text/x.tlog.size`): the
 *   witness has cosigned another size, which we then prove from; 422: the proof does not verify.
 * - Cosignatures: C2SP tlog-cosignature/v1 (Ed25519): key id SHA-256(name || 0x0A || 0x04 ||
 *   key)[:4]; signature = key id || u64 big-endian POSIX timestamp || Ed25519 over
 *   `cosignature/v1\ntime <timestamp>\n` followed by the checkpoint body.
 * - `WITNESSES`: entries separated by commas or new lines, each `<submission URL> <verifier key>`
 *   (`<name>+<hex key id>+<base64(0x04 || key)>`, the C2SP vkey the witness publishes).
 *
 * Cosignatures are checked before they are kept (audit_cosignatures, append-only) and served
 * after our own signature in GET /api/v1/audit/checkpoint (docs/adr/0037-witnesses.md).
 */
import { sql } from 'drizzle-orm';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Db } from '../../db/client.js';
import type { AppConfig, WitnessConfig } from '../core/config.js';
import { base64, fromBase64, keyId, type CheckpointRecord } from './checkpoint.js';
import { toHex } from '../core/ids.js';
import { equalHashes } from './merkle.js';
import { storedConsistencyProof, syncTree, treeSize } from './tree-store.js';

const COSIGNATURE_V1 = 0x04;
const EM_DASH = '\u2014';
/** How long one witness may take to answer. */
const TIMEOUT_MS = 10_000;

export interface WitnessKey {
  url: string;
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array;
}

/** Parses a C2SP vkey of type 0x04 (an Ed25519 cosigner); throws a message naming what is wrong. */
export function parseWitnessKey(url: string, vkey: string): WitnessKey {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey);
  if (!m) throw new Error(`"${vkey}" is not a C2SP verifier key (<name>+<hex key id>+<base64 key>)`);
  let raw: Uint8Array;
  try {
    raw = fromBase64(m[3]!);
  } catch {
    throw new Error(`the key of witness ${m[1]} is not base64`);
  }
  if (raw.length !== 33 || raw[0] !== COSIGNATURE_V1) throw new Error(`witness ${m[1]}: expected an Ed25519 cosignature key (type 0x04, 32 bytes)`);
  const publicKey = raw.slice(1);
  const id = keyId(m[1]!, publicKey, COSIGNATURE_V1);
  if (toHex(id) !== m[2]) throw new Error(`witness ${m[1]}: the key id ${m[2]} does not match its key`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`witness ${m[1]}: "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`witness ${m[1]}: its URL must be http(s)`);
  return { url: url.replace(/\/+$/, ''), name: m[1]!, keyId: id, publicKey };
}

/** `WITNESSES` -> the configured witnesses (validated: a bad entry throws, naming it). */
export function parseWitnesses(text: string | undefined): WitnessConfig[] {
  if (!text || !text.trim()) return [];
  const out: WitnessConfig[] = [];
  for (const entry of text.split(/[,\n]/).map((e) => e.trim()).filter(Boolean)) {
    const parts = entry.split(/\s+/);
    if (parts.length !== 2) throw new Error(`WITNESSES: "${entry}" must be "<submission URL> <verifier key>"`);
    const key = parseWitnessKey(parts[0]!, parts[1]!);
    if (out.some((w) => parseWitnessKey(w.url, w.verifierKey).name === key.name)) throw new Error(`WITNESSES: witness ${key.name} is listed twice`);
    out.push({ url: parts[0]!, verifierKey: parts[1]! });
  }
  return out;
}

export function witnessKeys(config: Pick<AppConfig, 'witnesses'>): WitnessKey[] {
  return (config.witnesses ?? []).map((w) => parseWitnessKey(w.url, w.verifierKey));
}

/** The message a cosignature/v1 signs: two header lines, then the checkpoint body. */
export function cosignedMessage(body: string, timestamp: number): Uint8Array {
  return new TextEncoder().encode(`cosignature/v1\ntime ${timestamp}\n${body}`);
}

/** Checks one note signature line as a cosignature of `body` by `key`; its timestamp, or null. */
export function verifyCosignature(line: string, body: string, key: Pick<WitnessKey, 'name' | 'keyId' | 'publicKey'>): number | null {
  const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
  if (!m || m[1] !== key.name) return null;
  let blob: Uint8Array;
  try {
    blob = fromBase64(m[2]!);
  } catch {
    return null;
  }
  if (blob.length !== 4 + 8 + 64 || !equalHashes(blob.subarray(0, 4), key.keyId)) return null;
  const view = new DataView(blob.buffer, blob.byteOffset + 4, 8);
  const timestamp = Number(view.getBigUint64(0));
  if (!Number.isSafeInteger(timestamp)) return null;
  try {
    return ed25519.verify(blob.subarray(12), cosignedMessage(body, timestamp), key.publicKey) ? timestamp : null;
  } catch {
    return null;
  }
}

/** The note body of a signed checkpoint: everything up to and including the blank line's newline. */
export function noteBody(checkpoint: string): string {
  return checkpoint.slice(0, checkpoint.indexOf('\n\n') + 1);
}

export interface WitnessResult {
  witness: string;
  /** cosigned: a verified cosignature is stored; refused: the witness says the log is inconsistent; failed: no answer we can use. */
  outcome: 'cosigned' | 'refused' | 'failed';
  /** The size the witness had cosigned before, as far as we know. */
  oldSize: number;
  problem?: string;
}

/**
 * Sends the checkpoint to every configured witness and stores the cosignatures that verify. A
 * witness that has cosigned another size than we remember answers 409 with it; we then prove
 * consistency from that size, once. Never throws for a witness's answer: the result says it.
 */
export async function witnessCheckpoint(deps: { db: Db; config: Pick<AppConfig, 'witnesses'> }, cp: CheckpointRecord): Promise<WitnessResult[]> {
  const keys = witnessKeys(deps.config);
  if (keys.length === 0) return [];
  await syncTree(deps.db);
  // A witness that has cosigned this very checkpoint already is not asked again.
  const done = new Set((await cosignaturesOf(deps.db, cp.size)).map((c) => c.witness));
  return Promise.all(keys.map((key) => (done.has(key.name) ? { witness: key.name, outcome: 'cosigned' as const, oldSize: cp.size } : submitTo(deps.db, key, cp))));
}

async function submitTo(db: Db, key: WitnessKey, cp: CheckpointRecord): Promise<WitnessResult> {
  const rows = await db.all<{ n: number | null }>(sql`select max(size) as n from audit_cosignatures where witness = ${key.name}`);
  let old = Number(rows[0]?.n ?? 0);
  const firstOld = old;
  const result = (outcome: WitnessResult['outcome'], problem?: string): WitnessResult => ({ witness: key.name, outcome, oldSize: firstOld, ...(problem ? { problem } : {}) });
  for (let attempt = 0; attempt < 2; attempt++) {
    if (old > cp.size) {
      return result('refused', `witness ${key.name} has cosigned a tree of ${old} entries, but this log has ${cp.size}: the log was rewound`);
    }
    const proof = old === 0 ? [] : await storedConsistencyProof(db, old, cp.size);
    const body = `old ${old}\n${proof.map((h) => `${base64(h)}\n`).join('')}\n${cp.checkpoint}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${key.url}/add-checkpoint`, { method: 'POST', body, headers: { 'content-type': 'text/plain; charset=utf-8' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
      text = await res.text();
    } catch (err) {
      return result('failed', `witness ${key.name} did not answer: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (res.status === 200) {
      const cosigned = cosignatureIn(text, noteBody(cp.checkpoint), key);
      if (!cosigned) return result('failed', `witness ${key.name} answered 200 without a cosignature that verifies with its key`);
      await db.run(
        sql`insert or ignore into audit_cosignatures (size, witness, timestamp, line) values (${cp.size}, ${key.name}, ${cosigned.timestamp}, ${cosigned.line})`,
      );
      return result('cosigned');
    }
    if (res.status === 409 && /^(0|[1-9][0-9]*)\n$/.test(text)) {
      const theirs = Number(text.trim());
      if (theirs === cp.size) return result('refused', `witness ${key.name} has cosigned a different tree of ${cp.size} entries: the log forked`);
      if (theirs === old) return result('failed', `witness ${key.name} answered 409 for the size it holds (${theirs})`);
      old = theirs;
      continue;
    }
    if (res.status === 422) {
      return result('refused', `witness ${key.name} found no consistency between the tree of ${old} entries it cosigned and this log of ${cp.size}: the log was rewound or rewritten`);
    }
    return result('failed', `witness ${key.name} answered ${res.status}: ${text.slice(0, 200).trim()}`);
  }
  return result('failed', `witness ${key.name} changed its size twice during one submission`);
}

function cosignatureIn(text: string, body: string, key: WitnessKey): { line: string; timestamp: number } | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(EM_DASH)) continue;
    const timestamp = verifyCosignature(line, body, key);
    if (timestamp !== null) return { line, timestamp };
  }
  return null;
}

export interface Cosignature {
  witness: string;
  /** ISO 8601 time of the cosignature (its signed timestamp). */
  time: string;
  line: string;
}

/** The stored cosignatures of the checkpoint of `size`. */
export async function cosignaturesOf(db: Db, size: number): Promise<Cosignature[]> {
  const rows = await db.all<{ witness: string; timestamp: number; line: string }>(
    sql`select witness, timestamp, line from audit_cosignatures where size = ${size} order by witness`,
  );
  return rows.map((r) => ({ witness: r.witness, time: new Date(Number(r.timestamp) * 1000).toISOString(), line: r.line }));
}

/** A checkpoint as served: the note with every cosignature line after ours, and who cosigned it. */
export async function withCosignatures(db: Db, cp: CheckpointRecord): Promise<CheckpointRecord & { cosignatures: Array<{ witness: string; time: string }> }> {
  const cos = await cosignaturesOf(db, cp.size);
  return {
    ...cp,
    checkpoint: cp.checkpoint + cos.map((c) => `${c.line}\n`).join(''),
    cosignatures: cos.map(({ witness, time }) => ({ witness, time })),
  };
}

export interface WitnessView {
  witness: string;
  /** The largest tree this witness has cosigned (0: none yet). */
  size: number;
  /** When it cosigned it. */
  time: string | null;
  /** Configured now (WITNESSES), or known only from stored cosignatures. */
  configured: boolean;
}

/** What each witness has seen of the log: configured witnesses and every one that ever cosigned. */
export async function witnessViews(db: Db, config: Pick<AppConfig, 'witnesses'>): Promise<WitnessView[]> {
  const rows = await db.all<{ witness: string; size: number; timestamp: number }>(
    sql`select witness, size, timestamp from audit_cosignatures c
        where size = (select max(size) from audit_cosignatures where witness = c.witness) order by witness`,
  );
  const seen = new Map(rows.map((r) => [r.witness, r]));
  const configured = new Set(witnessKeys(config).map((k) => k.name));
  const names = [...new Set([...configured, ...seen.keys()])].sort();
  return names.map((witness) => {
    const r = seen.get(witness);
    return { witness, size: r ? Number(r.size) : 0, time: r ? new Date(Number(r.timestamp) * 1000).toISOString() : null, configured: configured.has(witness) };
  });
}

/** Entries of the log no witness has cosigned yet, per witness (for the metrics). */
export async function witnessLag(db: Db, config: Pick<AppConfig, 'witnesses'>): Promise<Array<{ witness: string; size: number; lag: number }>> {
  const size = await treeSize(db);
  return (await witnessViews(db, config)).map((v) => ({ witness: v.witness, size: v.size, lag: Math.max(0, size - v.size) }));
}
