/**
 * `npm run verify`: recomputes the audit log of DATABASE_URL from its stored entries and checks
 * every cached node and every signed checkpoint (src/audit/verify.ts). Prints a report, with a
 * REWOUND line for each checkpoint a restore rewound and the reason recorded for it; exits 1 when
 * anything is wrong, 2 when it cannot run.
 *
 * The public key that must have signed the checkpoints comes from, in order: `--key <base64>` or
 * AUDIT_PUBLIC_KEY (what GET /api/v1/audit/key published: the independent choice), else the
 * signing key the service itself uses (AUDIT_SIGNING_KEY, or the key file beside a file
 * database; never created here).
 */
import { existsSync } from 'node:fs';
import { openDb } from '../db/client.js';
import { verifyLog } from '../src/audit/verify.js';
import { toolPublicKey } from '../src/ops/keys.js';

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL ?? 'file:./data/app.db';
  if (url.startsWith('file:') && !existsSync(url.slice('file:'.length))) {
    console.error(`No database at ${url}.`);
    return 2;
  }
  const { key, from } = toolPublicKey(process.argv.slice(2), process.env, url);
  const { db, client } = await openDb({ url, authToken: process.env.DATABASE_AUTH_TOKEN });
  const t0 = performance.now();
  // The library's default SHA-256 is Node's native one here (see merkle.ts defaultSha256).
  const report = await verifyLog(db, key);
  const sec = (performance.now() - t0) / 1000;
  client.close();
  console.log(`Audit log ${url}`);
  console.log(`  public key   ${Buffer.from(key).toString('base64')} (from ${from})`);
  console.log(`  entries      ${report.size}`);
  console.log(`  nodes        ${report.nodes} checked`);
  console.log(`  checkpoints  ${report.checkpoints} checked`);
  for (const r of report.rewinds) {
    console.log(
      `REWOUND: the checkpoint of size ${r.size} signed ${r.signedAt} (root ${r.rootHash}) ${r.diverges ? 'is not part of this log' : 'is still part of this log'}; ` +
        `entry ${r.entryIndex} records the rewind: "${r.reason}"`,
    );
  }
  if (report.ok) {
    console.log(`  root         ${report.rootHash}`);
    console.log(`OK: every entry, node and checkpoint matches (${sec.toFixed(1)} s, ${Math.round(report.size / Math.max(sec, 1e-9))} entries/s).`);
    return 0;
  }
  console.log(`BAD: ${report.problem}`);
  if (report.firstBadIndex !== undefined) console.log(`  first bad index: ${report.firstBadIndex}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
