/**
 * `npm run restore -- <backup file> [--accept-rewind "<reason>"]`: replaces the database of
 * DATABASE_URL (a file database; stop the service first) with a backup, after verifying the
 * backup's audit log. Refuses, naming both logs' sizes, when that would rewind the audit log
 * (entries or signed checkpoints the backup does not hold) unless given --accept-rewind with a
 * reason: the reason then goes into the audit log, and the later signed checkpoints are kept
 * beside the restored log (src/ops/restore.ts, docs/operations.md). The replaced database is
 * renamed aside, never deleted.
 *
 * Exit status: 0 restored; 1 refused (nothing changed); 2 could not run.
 */
import { RestoreRefused, restoreDatabase } from '../src/ops/restore.js';
import { toolPublicKey } from '../src/ops/keys.js';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const url = process.env.DATABASE_URL ?? 'file:./data/app.db';
  const i = argv.indexOf('--accept-rewind');
  if (i >= 0 && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--'))) {
    console.error('--accept-rewind needs a reason: --accept-rewind "<why this history is given up>"');
    return 2;
  }
  const valued = new Set(['--accept-rewind', '--key']);
  const file = argv.find((a, j) => !a.startsWith('--') && !valued.has(argv[j - 1] ?? ''));
  if (!file) {
    console.error('usage: npm run restore -- <backup file> [--accept-rewind "<reason>"]');
    return 2;
  }
  const { key } = toolPublicKey(argv, process.env, url);
  try {
    const r = await restoreDatabase({ databaseUrl: url, backupFile: file, publicKey: key, acceptRewind: i >= 0 ? argv[i + 1] : undefined });
    console.log(`Restored ${file} into ${r.file}`);
    console.log(`  audit log    ${r.restored.entries} entries, verified; signed up to size ${r.restored.signedSize}`);
    if (r.replaced) console.log(`  replaced     ${r.replaced.entries} entries, signed up to size ${r.replaced.signedSize}; kept as ${r.replacedBy}`);
    if (r.rewound.length) console.log(`  rewound      ${r.rewound.length} signed checkpoint(s), kept beside the log: sizes ${r.rewound.map((c) => c.size).join(', ')}`);
    console.log(`  audit entry  ${r.entryIndex} records this restore${r.rewound.length || (r.replaced && r.replaced.entries > r.restored.entries) ? ' and the rewind, with its reason' : ''}`);
    console.log('Start the service again; witnesses will refuse checkpoints of a rewound log until they are told of the rewind (docs/operations.md).');
    return 0;
  } catch (err) {
    if (err instanceof RestoreRefused) {
      console.error(err.message);
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
