/**
 * Backups of a file database (Node only): a consistent online snapshot taken with SQLite's
 * `VACUUM INTO` on a connection of its own, while the service goes on writing (WAL: the snapshot
 * reads one committed state, writers are not blocked), never a copy of the live files. The copy
 * is then opened and its audit log verified like `npm run verify` does; a copy that does not
 * verify is deleted and the backup fails. A manifest beside it (`<file>.json`) records what it
 * holds: entries, root, and the latest signed checkpoint (docs/adr/0035-online-backups.md).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import * as schema from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import { latestCheckpoint, type CheckpointRecord } from '../audit/checkpoint.js';
import { verifyLog } from '../audit/verify.js';
import { databaseFile } from './keys.js';

export interface BackupManifest {
  /** Absolute path of the copy. */
  file: string;
  /** When the snapshot was started (it holds every write committed before this). */
  takenAt: string;
  durationMs: number;
  bytes: number;
  /** SHA-256 of the copy, hex. */
  sha256: string;
  /** Entries of the audit log in the copy, all verified. */
  entries: number;
  rootHash: string;
  /** The latest signed checkpoint the copy holds. */
  checkpoint: CheckpointRecord | null;
}

export class BackupError extends Error {
  override name = 'BackupError';
}

/** `backup-2026-10-15T08-00-00-000Z.db`: sorts by time. */
export function backupFileName(at: Date): string {
  return `backup-${at.toISOString().replace(/[:.]/g, '-')}.db`;
}

/** Opens a database file of ours read-only as drizzle (no pragmas that would change it). */
function openCopy(file: string) {
  const client = createClient({ url: `file:${file}` });
  return { db: drizzle(client, { schema }) as unknown as Db, client };
}

export async function backupDatabase(opts: { databaseUrl: string; file: string; publicKey: Uint8Array }): Promise<BackupManifest> {
  if (!opts.databaseUrl.startsWith('file:')) {
    throw new BackupError('npm run backup copies a file database; a Turso or D1 database is backed up by its own point-in-time recovery (docs/operations.md).');
  }
  const source = databaseFile(opts.databaseUrl);
  if (!existsSync(source)) throw new BackupError(`No database at ${source}.`);
  const file = resolve(opts.file);
  if (existsSync(file)) throw new BackupError(`${file} exists already; a backup never overwrites a file.`);
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });

  const started = performance.now();
  const takenAt = new Date().toISOString();
  const src = createClient({ url: `file:${source}` });
  try {
    await src.execute('PRAGMA busy_timeout = 5000');
    // One read transaction over one committed state of the database, written as a new, compact
    // database file; concurrent writers go on (WAL) and land after the snapshot.
    await src.execute({ sql: 'VACUUM INTO ?', args: [partial] });
  } finally {
    src.close();
  }

  let manifest: BackupManifest;
  try {
    const copy = openCopy(partial);
    try {
      const check = await copy.client.execute('PRAGMA quick_check');
      const verdict = String(Object.values(check.rows[0] ?? {})[0] ?? '');
      if (verdict !== 'ok') throw new BackupError(`The copy does not pass SQLite's quick_check: ${verdict}`);
      const report = await verifyLog(copy.db, opts.publicKey);
      if (!report.ok) {
        throw new BackupError(`The copy's audit log does not verify${report.firstBadIndex !== undefined ? ` (first bad index ${report.firstBadIndex})` : ''}: ${report.problem}`);
      }
      const checkpoint = await latestCheckpoint(copy.db);
      manifest = { file, takenAt, durationMs: 0, bytes: 0, sha256: '', entries: report.size, rootHash: report.rootHash!, checkpoint };
    } finally {
      copy.client.close();
    }
    await syncFile(partial);
    renameSync(partial, file);
    await syncFile(dirname(file));
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  manifest.bytes = statSync(file).size;
  manifest.sha256 = await sha256File(file);
  manifest.durationMs = Math.round(performance.now() - started);
  writeFileSync(`${file}.json.partial`, JSON.stringify(manifest, null, 2) + '\n');
  renameSync(`${file}.json.partial`, `${file}.json`);
  return manifest;
}

async function syncFile(path: string): Promise<void> {
  const h = await open(path, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

function sha256File(file: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('end', () => res(h.digest('hex')))
      .on('error', rej);
  });
}

/** The manifests of the backups in `dir` (files named by backupFileName), oldest first. */
export function listBackups(dir: string): BackupManifest[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^backup-.*\.db\.json$/.test(f))
    .sort()
    .flatMap((f) => {
      try {
        return [JSON.parse(readFileSync(join(dir, f), 'utf8')) as BackupManifest];
      } catch {
        return []; // a manifest being written or damaged: not a backup to count on
      }
    })
    .filter((m) => existsSync(m.file));
}

/** Removes all but the newest `keep` backups of `dir` (copy and manifest); returns the removed files. */
export function pruneBackups(dir: string, keep: number): string[] {
  const all = listBackups(dir);
  const gone = all.slice(0, Math.max(0, all.length - Math.max(1, keep)));
  for (const m of gone) {
    rmSync(m.file, { force: true });
    rmSync(`${m.file}.json`, { force: true });
  }
  return gone.map((m) => basename(m.file));
}
