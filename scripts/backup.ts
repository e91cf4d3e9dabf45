/**
 * `npm run backup -- <file>`: a consistent online snapshot of DATABASE_URL (a file database) into
 * <file>, taken while the service keeps running, then opened and its audit log verified; prints
 * what it holds, including its latest signed checkpoint, and writes that beside it (<file>.json).
 *
 *   npm run backup -- <file>                    one snapshot into <file> (never overwritten)
 *   npm run backup -- --dir <dir> [--keep N]    a time-named snapshot in <dir>; keeps the newest N (default 7)
 *   --json                                      print the manifest as one JSON line (the scheduler reads it)
 *   --key <base64>                              the audit public key (else AUDIT_PUBLIC_KEY, AUDIT_SIGNING_KEY, key file)
 *
 * Exit status: 0 done; 1 the copy failed its checks (deleted); 2 could not run.
 */
import { join } from 'node:path';
import { BackupError, backupDatabase, backupFileName, pruneBackups } from '../src/ops/backup.js';
import { toolPublicKey } from '../src/ops/keys.js';

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const url = process.env.DATABASE_URL ?? 'file:./data/app.db';
  const dir = option(argv, '--dir');
  const keep = Number(option(argv, '--keep') ?? 7);
  const valued = new Set(['--dir', '--keep', '--key']);
  const positional = argv.filter((a, i) => !a.startsWith('--') && !valued.has(argv[i - 1] ?? ''));
  const file = dir ? join(dir, backupFileName(new Date())) : positional[0];
  if (!file || !(keep >= 1)) {
    console.error('usage: npm run backup -- <file>   or   npm run backup -- --dir <dir> [--keep N]');
    return 2;
  }
  const { key } = toolPublicKey(argv, process.env, url);
  try {
    const m = await backupDatabase({ databaseUrl: url, file, publicKey: key });
    const removed = dir ? pruneBackups(dir, keep) : [];
    if (argv.includes('--json')) {
      console.log(JSON.stringify({ ...m, removed }));
      return 0;
    }
    console.log(`Backup of ${url}`);
    console.log(`  file         ${m.file} (${m.bytes} bytes, sha256 ${m.sha256})`);
    console.log(`  taken at     ${m.takenAt} (${m.durationMs} ms)`);
    console.log(`  audit log    ${m.entries} entries, verified; root ${m.rootHash}`);
    console.log(m.checkpoint ? `  checkpoint   size ${m.checkpoint.size}, signed ${m.checkpoint.timestamp}` : '  checkpoint   none signed yet');
    if (removed.length) console.log(`  removed      ${removed.join(', ')} (keeping ${keep})`);
    console.log(`OK: manifest in ${m.file}.json`);
    return 0;
  } catch (err) {
    if (err instanceof BackupError) {
      console.error(`BACKUP FAILED: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
