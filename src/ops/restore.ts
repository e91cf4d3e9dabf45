/**
 * Restoring a backup over a file database (Node only), so that history cannot be rewound
 * silently (docs/adr/0036-restore-refuses-rewinds.md):
 *
 * 1. The backup is copied beside the database, migrated, and its audit log verified.
 * 2. The database it would replace is read: its log, its signed checkpoints, the checkpoints it
 *    already kept from an earlier rewind, its witnesses' cosignatures.
 * 3. A rewind is any loss of history: entries the backup lacks, a log that differs from the
 *    backup's, or a signed checkpoint whose tree the backup does not hold (also a database that
 *    cannot be read). Then the restore is refused, naming both sizes, unless the operator gives
 *    `--accept-rewind "<reason>"`.
 * 4. Accepted: the later signed checkpoints (with their cosignatures) are kept beside the restored
 *    log in audit_rewound_checkpoints, and an `audit.rewind` entry with the reason is appended in
 *    the same batch, before the file is put in place: the service can sign nothing new before the
 *    entry exists, and makeCheckpoint refuses while a kept checkpoint lacks its entry. A restore
 *    without loss appends an `audit.restore` entry instead.
 * 5. The replaced database is renamed aside (`<file>.replaced-<time>`), never deleted.
 *
 * Stop the service first: a running process would keep writing to the file it has open.
 */
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { sql } from 'drizzle-orm';
import * as schema from '../../db/schema.js';
import { auditCheckpoints, auditCosignatures, auditRewoundCheckpoints } from '../../db/schema.js';
import { openDb, migrateDb, type Db } from '../../db/client.js';
import { commit } from '../audit/append.js';
import { latestCheckpoint, verifyCheckpoint } from '../audit/checkpoint.js';
import { defaultSha256, hashToHex, hexToHash, MerkleStack } from '../audit/merkle.js';
import { treeSize } from '../audit/tree-store.js';
import { verifyLog } from '../audit/verify.js';
import { systemClock, type Clock } from '../core/clock.js';
import { databaseFile } from './keys.js';

export class RestoreRefused extends Error {
  override name = 'RestoreRefused';
}

interface CheckpointRow {
  size: number;
  root_hash: string;
  at: string;
  text: string;
}

interface Current {
  entries: number;
  checkpoints: CheckpointRow[];
  rewound: CheckpointRow[];
  cosignatures: Array<{ size: number; witness: string; timestamp: number; line: string }>;
}

export interface RestoreResult {
  file: string;
  /** Where the replaced database went (null when there was none). */
  replacedBy: string | null;
  restored: { entries: number; signedSize: number };
  replaced: { entries: number; signedSize: number } | null;
  /** Signed checkpoints of the replaced history that the restored log does not hold. */
  rewound: Array<{ size: number; rootHash: string }>;
  /** Leaf index of the entry recording the restore (`audit.rewind` or `audit.restore`). */
  entryIndex: number;
}

/** MTH of the first `n` leaves at each of `sizes` (<= n), from the stored leaf hashes, read-only. */
async function rootsAt(db: Db, sizes: number[]): Promise<Map<number, string>> {
  const wanted = [...new Set(sizes)].sort((a, b) => a - b);
  const out = new Map<number, string>();
  const stack = new MerkleStack(defaultSha256);
  if (wanted[0] === 0) out.set(0, hashToHex(stack.root()));
  const end = wanted.at(-1) ?? 0;
  let next = wanted.findIndex((s) => s > 0);
  for (let a = 0; a < end && next >= 0 && next < wanted.length; a += 4096) {
    const rows = await db.all<{ seq: number; leaf_hash: string }>(sql`select seq, leaf_hash from audit_entries where seq >= ${a} and seq < ${Math.min(end, a + 4096)} order by seq`);
    for (const r of rows) {
      if (Number(r.seq) !== stack.size) throw new RestoreRefused(`The audit log has a gap at index ${stack.size}.`);
      stack.push(hexToHash(r.leaf_hash));
      while (next < wanted.length && wanted[next] === stack.size) out.set(wanted[next++]!, hashToHex(stack.root()));
    }
  }
  return out;
}

async function hasTable(db: Db, name: string): Promise<boolean> {
  const rows = await db.all<{ n: number }>(sql`select count(*) as n from sqlite_master where type = 'table' and name = ${name}`);
  return Number(rows[0]?.n ?? 0) > 0;
}

/** Everything of the database to be replaced that a restore must not lose without saying so. */
async function readCurrent(file: string, publicKey: Uint8Array): Promise<Current> {
  const client = createClient({ url: `file:${file}` });
  const db = drizzle(client, { schema }) as unknown as Db;
  try {
    const checkpoints = await db.all<CheckpointRow>(sql`select size, root_hash, at, text from audit_checkpoints order by size`);
    for (const cp of checkpoints) {
      if (!verifyCheckpoint(cp.text, publicKey)) throw new RestoreRefused(`its checkpoint at size ${cp.size} does not carry a valid signature by the audit key`);
    }
    const rewound = (await hasTable(db, 'audit_rewound_checkpoints'))
      ? await db.all<CheckpointRow>(sql`select size, root_hash, at, text from audit_rewound_checkpoints order by id`)
      : [];
    const cosignatures = (await hasTable(db, 'audit_cosignatures'))
      ? await db.all<Current['cosignatures'][number]>(sql`select size, witness, timestamp, line from audit_cosignatures`)
      : [];
    return { entries: await treeSize(db), checkpoints: checkpoints.map((c) => ({ ...c, size: Number(c.size) })), rewound, cosignatures };
  } finally {
    client.close();
  }
}

function checkReason(reason: string): string {
  const r = reason.trim();
  if (!r) throw new RestoreRefused('--accept-rewind needs a reason: it goes into the audit log for good.');
  if (r.length > 500 || /[\u0000-\u001f\u007f]/.test(r)) throw new RestoreRefused('The reason must be one line of at most 500 characters.');
  return r;
}

export async function restoreDatabase(opts: {
  databaseUrl: string;
  backupFile: string;
  publicKey: Uint8Array;
  acceptRewind?: string;
  clock?: Clock;
}): Promise<RestoreResult> {
  if (!opts.databaseUrl.startsWith('file:')) throw new RestoreRefused('npm run restore replaces a file database; D1 and Turso restore with their own point-in-time recovery (docs/operations.md).');
  const target = databaseFile(opts.databaseUrl);
  if (!existsSync(opts.backupFile)) throw new RestoreRefused(`No backup at ${opts.backupFile}.`);
  const clock = opts.clock ?? systemClock;
  const stamp = clock.now().toISOString().replace(/[:.]/g, '-');
  const work = `${target}.restoring-${stamp}`;
  copyFileSync(opts.backupFile, work);
  const { db, client } = await openDb({ url: `file:${work}` });
  let closed = false;
  const close = () => {
    if (!closed) client.close();
    closed = true;
  };
  try {
    await migrateDb(db);
    const report = await verifyLog(db, opts.publicKey);
    if (!report.ok) throw new RestoreRefused(`The backup's audit log does not verify${report.firstBadIndex !== undefined ? ` (first bad index ${report.firstBadIndex})` : ''}: ${report.problem}`);
    const restored = { entries: report.size, signedSize: (await latestCheckpoint(db))?.size ?? 0 };

    let current: Current | null = null;
    let unreadable: string | null = null;
    if (existsSync(target)) {
      try {
        current = await readCurrent(target, opts.publicKey);
      } catch (err) {
        unreadable = err instanceof Error ? err.message : String(err);
      }
    }
    const replaced = current ? { entries: current.entries, signedSize: current.checkpoints.at(-1)?.size ?? 0 } : null;

    // Which of the replaced history the backup holds: its roots at the replaced log's size and at
    // every signed size, against the replaced log's own.
    let rewound: CheckpointRow[] = [];
    let lost = false;
    if (current) {
      const common = Math.min(current.entries, restored.entries);
      const sizes = [common, ...current.checkpoints.map((c) => c.size).filter((s) => s <= restored.entries)];
      const backupRoots = await rootsAt(db, sizes);
      const currentClient = createClient({ url: `file:${target}` });
      try {
        const currentRoot = (await rootsAt(drizzle(currentClient, { schema }) as unknown as Db, [common])).get(common);
        lost = current.entries > restored.entries || currentRoot !== backupRoots.get(common);
      } finally {
        currentClient.close();
      }
      rewound = current.checkpoints.filter((c) => c.size > restored.entries || backupRoots.get(c.size) !== c.root_hash);
    }
    const rewinds = lost || rewound.length > 0 || unreadable !== null;
    if (rewinds && opts.acceptRewind === undefined) {
      const what = unreadable
        ? `the database at ${target} cannot be read (${unreadable}), so what it holds is unknown`
        : `the database's audit log has ${replaced!.entries} entries with signed checkpoints up to size ${replaced!.signedSize}; the backup's has ${restored.entries} entries, signed up to size ${restored.signedSize}`;
      throw new RestoreRefused(
        `Refusing to restore: ${what}. Restoring would rewind the audit log${rewound.length ? ` past ${rewound.length} signed checkpoint(s)` : ''}. ` +
          'To restore anyway, run again with --accept-rewind "<reason>": the reason is recorded in the audit log and the later checkpoints are kept beside it.',
      );
    }
    const reason = rewinds ? checkReason(opts.acceptRewind!) : null;

    // Kept with the restored log: the rewound checkpoints with every cosignature they had, and the
    // checkpoints an earlier rewind kept that the backup does not already hold.
    const cosignedLines = (size: number) => (current?.cosignatures ?? []).filter((c) => Number(c.size) === size).map((c) => `${c.line}\n`).join('');
    const alreadyKept = new Set((await db.all<{ size: number; root_hash: string }>(sql`select size, root_hash from audit_rewound_checkpoints`)).map((r) => `${r.size}:${r.root_hash}`));
    const keep = [
      ...(current?.rewound ?? []).filter((r) => !alreadyKept.has(`${r.size}:${r.root_hash}`)),
      ...rewound.map((c) => ({ ...c, text: c.text + cosignedLines(c.size) })),
    ];
    const held = (current?.checkpoints ?? []).filter((c) => !rewound.includes(c));
    const heldSizes = new Set(held.map((c) => c.size));
    const entryIndex = await treeSize(db); // nothing else writes to this copy
    const writes = [
      ...keep.map((c) =>
        db.insert(auditRewoundCheckpoints).values({ size: Number(c.size), rootHash: c.root_hash, at: c.at, text: c.text, rewindSeq: entryIndex }),
      ),
      // Checkpoints of the replaced database whose trees the backup holds (signed after it was
      // taken) and their cosignatures: still true of the restored log, so they stay with it.
      ...held.map((c) => db.insert(auditCheckpoints).values({ size: c.size, rootHash: c.root_hash, at: c.at, text: c.text }).onConflictDoNothing()),
      ...(current?.cosignatures ?? [])
        .filter((c) => heldSizes.has(Number(c.size)))
        .map((c) => db.insert(auditCosignatures).values({ size: Number(c.size), witness: c.witness, timestamp: Number(c.timestamp), line: c.line }).onConflictDoNothing()),
    ];
    const common = { backup: basename(opts.backupFile), restored, replaced };
    const event = rewinds
      ? { action: 'audit.rewind', entity: 'audit_log', entityId: 'audit_log', payload: { ...common, reason, rewoundCheckpoints: rewound.map((c) => ({ size: c.size, rootHash: c.root_hash })) } }
      : { action: 'audit.restore', entity: 'audit_log', entityId: 'audit_log', payload: common };
    const out = await commit({ db, clock, actor: { kind: 'system', name: 'restore' } }, writes, [event]);
    if (out.auditIndices[0] !== entryIndex) throw new Error(`the restore entry landed at ${out.auditIndices[0]}, not ${entryIndex}`);
    await db.run(sql`PRAGMA wal_checkpoint(TRUNCATE)`);
    close();

    let replacedBy: string | null = null;
    if (existsSync(target)) {
      replacedBy = `${target}.replaced-${stamp}`;
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(target + suffix)) renameSync(target + suffix, replacedBy + suffix);
    }
    for (const suffix of ['-wal', '-shm', '']) if (existsSync(work + suffix)) renameSync(work + suffix, target + suffix);
    return { file: target, replacedBy, restored, replaced, rewound: rewound.map((c) => ({ size: c.size, rootHash: c.root_hash })), entryIndex };
  } catch (err) {
    close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(work + suffix, { force: true });
    throw err;
  }
}
