/**
 * `npm run scan`: runs every oversight rule once against DATABASE_URL (default
 * file:./data/app.db), as the system actor `system:flag-scan`, and prints what it raised.
 * Suitable for cron on a Node host; the app itself also scans on a timer (SCHEDULE_MINUTES, startSchedule in src/node.ts).
 */
import { openDb, migrateDb } from '../db/client.js';
import { loadSigner, readConfig } from '../src/node.js';
import { scanCtx } from '../src/flags/schedule.js';
import { scanFlags } from '../src/flags/scan.js';

async function main() {
  const cfg = readConfig();
  const { db, client } = await openDb({ url: cfg.databaseUrl, authToken: cfg.databaseAuthToken });
  try {
    await migrateDb(db);
    const out = await scanFlags({ ctx: scanCtx({ db, signer: loadSigner(cfg), config: cfg.config }) });
    const detail = Object.entries(out.byRule).map(([rule, n]) => `${rule} ${n}`).join(', ');
    console.log(`Raised ${out.raised} flag(s) of ${out.candidates} candidate(s)${detail ? `: ${detail}` : ''}.`);
  } finally {
    client.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
