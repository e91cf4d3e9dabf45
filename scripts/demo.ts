/**
 * `npm run demo`: the service over its own demo database, filled with a generated municipal
 * bureau (scripts/synthetic) through the service verbs, so every write is in the audit log.
 *
 * DATABASE_URL (default file:./data/demo.db) and PORT (default 8787) as for `npm start`. The
 * database is generated on the first run (about a minute) and reused after that; `--fresh`
 * deletes and regenerates it. Each start prints a fresh token per role and the URLs to open.
 * "Today" is the real date; the data covers today's quarter and the quarters before it back to the
 * first quarter of the latest year the demo publishes and reviews (four to eight quarters).
 * Backups go to `<database>-backups/` (BACKUP_DIR), and /metrics answers the printed token
 * (METRICS_TOKEN), unless the environment sets them.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { openDb, migrateDb } from '../db/client.js';
import { ensureAdmin } from '../src/auth/users.js';
import { fixedClock } from '../src/core/clock.js';
import { loadSigner, readConfig, startNode } from '../src/node.js';
import { demoStart, demoTokens, fillDemo, isFilledDemo, type DemoStaff } from './synthetic/fill-demo.js';

async function main() {
  const fresh = process.argv.includes('--fresh');
  const databaseUrl = process.env.DATABASE_URL ?? 'file:./data/demo.db';
  const demoFile = databaseUrl.startsWith('file:') ? databaseUrl.slice('file:'.length) : null;
  // The demo shows the operations side too: scheduled backups beside its database (the first at
  // start) and /metrics behind a token printed below, unless the environment sets its own.
  const cfg = readConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    BACKUP_DIR: process.env.BACKUP_DIR ?? (demoFile ? `${demoFile}-backups` : undefined),
    METRICS_TOKEN: process.env.METRICS_TOKEN ?? `demo-metrics-${randomBytes(12).toString('hex')}`,
  });
  const file = cfg.databaseUrl.startsWith('file:') ? cfg.databaseUrl.slice('file:'.length) : null;
  const staffFile = file ? `${file}.staff.json` : null;
  if (fresh && file) for (const f of [file, `${file}-wal`, `${file}-shm`, staffFile!]) rmSync(f, { force: true });
  // Backups of the demo that --fresh threw away are of another log: they go with it.
  if (fresh && cfg.backupDir && !process.env.BACKUP_DIR) rmSync(cfg.backupDir, { recursive: true, force: true });

  const signer = loadSigner(cfg);
  const { db, client } = await openDb({ url: cfg.databaseUrl, authToken: cfg.databaseAuthToken });
  await migrateDb(db);
  const today = new Date().toISOString().slice(0, 10);
  // On a new database the admin is the first entry of the demo's story (see demoStart).
  await ensureAdmin(db, fixedClock(demoStart(today)), cfg.adminToken);
  let staff: DemoStaff[];
  if ((await isFilledDemo(db)) && staffFile && existsSync(staffFile)) {
    staff = JSON.parse(readFileSync(staffFile, 'utf8')) as DemoStaff[];
    console.log(`Reusing the demo database ${cfg.databaseUrl} (npm run demo -- --fresh regenerates it).`);
  } else {
    if (await isFilledDemo(db)) throw new Error(`${cfg.databaseUrl} holds a demo without its staff file; run npm run demo -- --fresh`);
    console.log(`Generating the demo bureau into ${cfg.databaseUrl} (today ${today}); this takes a minute or two...`);
    const t0 = Date.now();
    const out = await fillDemo({ db, signer, today, config: cfg.config, log: (m) => console.log(`  ${m}`) });
    staff = out.staff;
    console.log(`Done in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${Object.entries(out.counts).map(([k, v]) => `${v} ${k}`).join(', ')}.`);
    if (Object.keys(out.failures).length) {
      console.log(`Some events were refused by the service (kept out, as it should): ${JSON.stringify(out.failures)}`);
      for (const e of out.firstErrors) console.log(`  ${e}`);
    }
    const p = out.bureau.planted;
    console.log(
      `Planted for the flag queue: rotation due ${p.noRotation.join(' ')}; bunching ${p.bunching.join(' ')}; ` +
        `waivers ${p.waiverHappy.join(' ')}; favourite reviewer ${p.favouriteReviewer.join(' ')}; sole decider ${p.soloDecider.join(' ')}; ` +
        `feedback burst ${p.burst.join(' ')}.`,
    );
    if (staffFile) writeFileSync(staffFile, JSON.stringify(staff, null, 2));
  }
  const { tokens, invitationUrl } = await demoTokens({ db, signer, staff, config: cfg.config });
  client.close();

  const base = cfg.config.publicUrl;
  console.log('\nTokens (valid 30 days; paste one at /login):');
  for (const t of tokens) console.log(`  ${t.role.padEnd(10)} ${t.username.padEnd(18)} ${t.token}   ${t.label}`);
  console.log('\nOpen:');
  for (const [path, what] of [
    ['/', 'home'],
    ['/login', 'sign in with a token'],
    ['/hr', 'HR console: grading runs, adjustments, publish, export, corrections; on a run: filters, search, provisional export, print all reports'],
    ['/admin', 'admin: find users, deactivate / reactivate, change a role (intake.kiosk is deactivated)'],
    ['/hr/annual', 'annual review (年度考核): the year graded, published, appealed'],
    ['/flags', 'supervisor flag queue; open a flag: why it was raised, in plain words, and its chart'],
    ['/me/reviews', 'officer: review panels waiting for your vote; /me: a flag waiting for your answer'],
    ['/spot-checks', 'supervisor: the quarter’s random spot checks'],
    ['/public', 'anyone: the public oversight summary, checked against the audit log'],
    ['/complaints', 'complaints from every channel; /complaints/analysis the quarter\'s analysis'],
    ['/hr/response-rates', 'response rates, too-few-responses list, the outbox'],
    ['/c', 'a complainant follows a complaint by its receipt'],
    ['/docs', 'API docs (OpenAPI)'],
    ['/verify', 'audit receipt / log verification'],
  ]) console.log(`  ${base}${path}`.padEnd(44) + what);
  if (invitationUrl) console.log(`  ${invitationUrl}   a taxpayer's feedback form (one use)`);
  console.log('\nOperations (docs/operations.md):');
  if (cfg.backupDir) {
    console.log(`  backups      ${resolve(cfg.backupDir)} (one now, then every ${cfg.backupEveryHours} h, the newest ${cfg.backupKeep} kept; each verified)`);
    console.log(`               restore one: stop the demo, then DATABASE_URL=${cfg.databaseUrl} npm run restore -- <file>`);
  }
  console.log(`  metrics      curl -H 'Authorization: Bearer ${cfg.metricsToken}' ${base}/metrics`);
  console.log('  logs         one JSON line per request and per job run, below');
  console.log('');
  await startNode(cfg);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
