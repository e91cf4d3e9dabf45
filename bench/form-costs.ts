/**
 * Where a form submission's CPU goes below HTTP, measured in one process without a load generator
 * (ADR 0030): `npx tsx bench/form-costs.ts [--quick] [--reps 40]`. (HTTP and the app's request
 * stack are measured by the HTTP bench, bench/forms.ts: through `app.request` with WHATWG
 * Requests they would cost far more than through @hono/node-server, and mean nothing.)
 *
 * On the bench database (a copy), for groups of 4 and 20 submissions (what the form's group write
 * carries at 10 and at 64 connections), it measures the process's CPU time (all threads) per
 * submission of:
 *
 *   verb       submitFeedback (token look-up, validation, hashes, group write, fsync)
 *   write      the group write alone (submissionQueue with prebuilt submissions), with its fsync
 *   no fsync   the same write with the WAL fsync replaced by a no-op
 *
 * Each repetition runs every configuration once, in turn, so a change in the machine's load
 * falls on all of them; the figure is the median over the repetitions. Prints a table.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDb, migrateDb } from '../db/client.js';
import { registerSyncer, syncerOf } from '../db/durable.js';
import { resolveConfig } from '../src/core/config.js';
import { randomSeed, signerFromSeed } from '../src/audit/signer.js';
import type { Ctx } from '../src/core/context.js';
import { buildLeafSync, commit } from '../src/audit/append.js';
import { planInvitation } from '../src/feedback/invitations.js';
import { submissionQueue, submitFeedback, type Submission } from '../src/feedback/submit.js';
import { newId } from '../src/core/ids.js';
import { ensureAdmin } from '../src/auth/users.js';
import { provinceSize, quickSize } from '../scripts/synthetic/sizes.js';
import { ensureBenchDb } from './generate.js';
import { runningClock } from './clock.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const reps = Number(argv[argv.indexOf('--reps') + 1] || 40) || 40;

const info = await ensureBenchDb({ size: quick ? quickSize : provinceSize, seed: 'bench', today: '2026-11-24', log: () => undefined });
const dir = mkdtempSync(join(tmpdir(), 'tgo-form-costs-'));
const file = join(dir, 'work.db');
copyFileSync(info.file, file);
const { db, client } = await openDb({ url: `file:${file}` });
await migrateDb(db);
const clock = runningClock('2026-11-24T10:00:00.000Z');
const config = resolveConfig({ PUBLIC_URL: 'http://127.0.0.1' });
const signer = signerFromSeed(randomSeed());
await ensureAdmin(db, clock, `form-costs-${Date.now()}`);
const [intake] = await db.all<{ id: string }>(sql`select id from users limit 1`);
const ctx: Ctx = { db, clock, config, signer, actor: { kind: 'user', userId: intake!.id, username: 'bench', role: 'intake', officerCode: null, tokenId: 'bench' } };

let issued = 0;
/** Fresh invitations through the intake verb's plan, as the HTTP bench issues them. */
async function tokens(n: number): Promise<{ token: string; id: string; officerCode: string }[]> {
  const out: { token: string; id: string; officerCode: string }[] = [];
  for (let i = 0; i < n; i += 500) {
    const plans = Array.from({ length: Math.min(500, n - i) }, () => {
      const r = info.rateable[issued % info.rateable.length]!;
      return planInvitation(ctx, { officerCode: r.officerCode, taxpayerCode: r.taxpayerCode, interactionRef: `COSTS-${Date.now()}-${issued++}` });
    });
    await commit(ctx, plans.map((p) => p.write), plans.map((p) => p.event));
    for (const p of plans) out.push({ token: p.token, id: p.out.id, officerCode: (p.event.payload as { officerCode: string }).officerCode });
  }
  return out;
}

const realSync = syncerOf(db)!;
const noSync = async () => undefined;

type Config = (group: { token: string; id: string; officerCode: string }[]) => Promise<unknown>;
const configs: Record<string, Config> = {
  verb: (g) => Promise.all(g.map((t) => submitFeedback({ ctx, input: { token: t.token, address: '127.0.0.1', form: { professionalism: '5', attitude: '4', efficiency: '5', integrity: '5', comment: '办事效率高' } } }))),
  write: (g) => Promise.all(g.map((t) => submissionQueue(db).submit(prebuilt(t)))),
  'no fsync': async (g) => {
    registerSyncer(db, noSync);
    try {
      return await Promise.all(g.map((t) => submissionQueue(db).submit(prebuilt(t))));
    } finally {
      registerSyncer(db, realSync);
    }
  },
};

function prebuilt(t: { id: string; officerCode: string }): Submission {
  const at = clock.now().toISOString();
  const id = newId('fbr');
  const leaf = buildLeafSync({ actor: { kind: 'taxpayer' } }, { action: 'feedback.submit', entity: 'feedback_response', entityId: id, payload: { period: '2026Q4', commitment: 'c'.repeat(64) } }, at);
  const ratings = { professionalism: 5, attitude: 4, efficiency: 5, integrity: 5 };
  return { response: { id, invitationId: t.id, officerCode: t.officerCode, period: '2026Q4', submittedAt: at, ...ratings, mean: 4.75, comment: '办事效率高', complaint: null, commitmentNonce: 'n'.repeat(22) }, leaf };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: string[] = [];
for (const size of [4, 20]) {
  const per: Record<string, number[]> = Object.fromEntries(Object.keys(configs).map((k) => [k, []]));
  const pool = await tokens(Object.keys(configs).length * size * (reps + 3));
  let next = 0;
  for (let r = 0; r < reps + 3; r++) {
    for (const [name, run] of Object.entries(configs)) {
      const group = pool.slice(next, (next += size));
      const c0 = process.cpuUsage();
      await run(group);
      const c = process.cpuUsage(c0);
      if (r >= 3) per[name]!.push((c.user + c.system) / size); // the first three are warm-up
    }
  }
  const stored = await db.all<{ n: number }>(sql`select count(*) as n from feedback_responses r join invitations i on i.id = r.invitation_id where i.interaction_ref like 'COSTS-%'`);
  rows.push(`| ${size} | ${Object.keys(configs).map((k) => median(per[k]!).toFixed(0)).join(' | ')} | ${stored[0]!.n} |`);
}
console.log(`\nCPU per submission, µs (median of ${reps} repetitions; ${quick ? 'quick' : 'province'} database)\n`);
console.log(`| group | ${Object.keys(configs).join(' | ')} | responses stored |`);
console.log(`|---:|${Object.keys(configs).map(() => '---:').join('|')}|---:|`);
for (const r of rows) console.log(r);
client.close();
rmSync(dir, { recursive: true, force: true });
