/**
 * Scheduled backups on Node (`BACKUP_DIR`, `BACKUP_EVERY_HOURS`, `BACKUP_KEEP`): every period,
 * `npm run backup -- --dir` runs in a child process, so that the snapshot and the verification of
 * the copy (seconds at a large log) never hold the service's event loop; its manifest becomes the
 * `backup` job's log line and metrics. The first run is due one period after the newest backup
 * already in the directory, so restarts neither skip nor repeat backups.
 */
import { spawn } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listBackups, type BackupManifest } from './backup.js';
import { runJob, type Telemetry } from './telemetry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

export interface BackupSchedule {
  dir: string;
  everyHours: number;
  keep: number;
  databaseUrl: string;
  /** The audit public key the copy must verify with. */
  publicKey: Uint8Array;
  telemetry: Telemetry;
}

/** Starts the schedule (nothing without a directory or with a period of 0); returns its stop. */
export function startBackups(s: BackupSchedule): () => void {
  const everyMs = s.everyHours * 3_600_000;
  if (!s.dir || !(everyMs > 0)) return () => {};
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    await runJob(
      s.telemetry,
      'backup',
      () => backupInChild(s),
      (m) => ({ file: basename(m.file), bytes: m.bytes, entries: m.entries, checkpointSize: m.checkpoint?.size ?? null, removed: m.removed.length }),
    );
    if (!stopped) timer = setTimeout(tick, everyMs).unref();
  };
  const newest = listBackups(s.dir).at(-1);
  const due = newest ? Date.parse(newest.takenAt) + everyMs - Date.now() : 0;
  timer = setTimeout(tick, Math.max(0, due)).unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function backupInChild(s: BackupSchedule): Promise<BackupManifest & { removed: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/backup.ts'), '--dir', s.dir, '--keep', String(s.keep), '--json'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: s.databaseUrl, AUDIT_PUBLIC_KEY: Buffer.from(s.publicKey).toString('base64') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (err += String(d)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        try {
          resolve(JSON.parse(out.trim().split('\n').at(-1)!) as BackupManifest & { removed: string[] });
        } catch {
          reject(new Error('the backup process printed no manifest'));
        }
      } else {
        reject(new Error(err.trim().split('\n').at(-1) || `the backup process exited with ${code}`));
      }
    });
  });
}
