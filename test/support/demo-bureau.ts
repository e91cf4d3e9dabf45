import { openDb, migrateDb, type Db } from '../../db/client.js';
import { ensureAdmin } from '../../src/auth/users.js';
import { fixedClock } from '../../src/core/clock.js';
import { createApp } from '../../src/app.js';
import { packageAsset } from '../../src/node.js';
import { randomSeed, signerFromSeed } from '../../src/audit/signer.js';
import type { Role } from '../../db/schema.js';
import { demoStart, demoTokens, fillDemo } from '../../scripts/synthetic/fill-demo.js';
import type { BureauSize } from '../../scripts/synthetic/sizes.js';

/** The demo's story on a small bureau: every page has something to show, in a minute or two. */
export const smallDemoSize: BureauSize = {
  label: 'demo-pages',
  units: 3,
  peerGroups: ['urban', 'county', 'development_zone'],
  officers: 36,
  taxpayers: 240,
  workloadQuarters: 8,
  responses: 120,
  decisions: 160,
  audit: 0,
  importRows: 0,
  fullYear: true,
};

export interface DemoBureau {
  app: ReturnType<typeof createApp>;
  db: Db;
  /** One bearer token per role (the first demo user of it), the admin's included. */
  tokens: Record<Role, string>;
  /** A fresh feedback invitation's URL (the taxpayer form). */
  invitationUrl: string;
}

/**
 * The demo bureau filled through the service verbs (scripts/synthetic) into a fresh database,
 * as `npm run demo` fills its own, with the app over it. `today` is the data's today and the
 * app's clock (08:00 UTC that day).
 */
export async function demoBureau(opts: { today?: string; url?: string } = {}): Promise<DemoBureau> {
  const today = opts.today ?? '2026-11-24';
  // (test/support/app.js imports vitest: loaded only inside a test run)
  const db = opts.url ? (await openDb({ url: opts.url })).db : (await (await import('./app.js')).makeDb()).db;
  if (opts.url) await migrateDb(db);
  const signer = signerFromSeed(randomSeed());
  const adminToken = `tgo_demo_pages_admin_${Math.random().toString(36).slice(2)}`;
  await ensureAdmin(db, fixedClock(demoStart(today, smallDemoSize, 'pages')), adminToken);
  const out = await fillDemo({ db, signer, today, size: smallDemoSize, seed: 'pages' });
  if (Object.keys(out.failures).length) throw new Error(`demo refused events: ${out.firstErrors.join('\n')}`);
  const issued = await demoTokens({ db, signer, staff: out.staff });
  const tokens = { admin: adminToken } as Record<Role, string>;
  for (const t of issued.tokens) tokens[t.role] ??= t.token;
  // The assets as the Node entry serves them, so /docs renders Swagger UI.
  const app = createApp({ db, signer, clock: fixedClock(`${today}T08:00:00.000Z`), assets: packageAsset });
  return { app, db, tokens, invitationUrl: issued.invitationUrl! };
}
