import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, migrateDb, type Db } from '../../db/client.js';
import { createApp, type AppDeps } from '../../src/app.js';
import { ensureAdmin, createUser } from '../../src/auth/users.js';
import { fixedClock } from '../../src/core/clock.js';
import { randomSeed, signerFromSeed } from '../../src/audit/signer.js';
import type { Ctx } from '../../src/core/context.js';
import { resolveConfig, type AppConfig } from '../../src/core/config.js';
import type { Role } from '../../db/schema.js';
import { callInit, type CallOpts } from './request.js';
import { closeAfter, once } from './cleanup.js';

let counter = 0;

/**
 * A fresh, migrated libsql file database for one test (never shared between tests). It is closed
 * when the test that opened it finishes, or with its file if opened in a beforeAll
 * (test/support/cleanup.ts); `close` closes it earlier.
 */
export async function makeDb(): Promise<{ db: Db; url: string; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tgo-test-'));
  const url = `file:${join(dir, `t${++counter}.db`)}`;
  const { db, client } = await openDb({ url });
  // client.close() also closes the hot-path connection and the WAL's fsync handle (db/client.ts).
  const close = once(() => client.close());
  closeAfter(close);
  await migrateDb(db);
  return { db, url, close };
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  db: Db;
  clock: ReturnType<typeof fixedClock>;
  adminToken: string;
  deps: AppDeps;
  /** Closes the database now (it is closed anyway when the test, or the file, finishes). */
  close: () => Promise<void>;
  /** A system-actor ctx for calling verbs directly in setup. */
  ctx: (actor?: Ctx['actor']) => Ctx;
  /** Creates a user of `role` (through the admin verb) and returns its bearer token. */
  userToken: (role: Role, opts?: { username?: string; officerCode?: string }) => Promise<string>;
  /** `app.request` with a bearer token and JSON body. */
  call: (method: string, path: string, opts?: CallOpts) => Promise<Response>;
}

export async function makeTestApp(opts: { now?: string; config?: Partial<AppConfig>; bodyBudgetBytes?: number } = {}): Promise<TestApp> {
  const { db, close } = await makeDb();
  const clock = fixedClock(opts.now ?? '2026-10-15T08:00:00.000Z');
  const adminToken = `tgo_admin_${++counter}_${Math.random().toString(36).slice(2)}`;
  await ensureAdmin(db, clock, adminToken);
  // The app and the verbs called directly share one config, resolved as an entry resolves its env.
  const o = opts.config ?? {};
  const config = resolveConfig({
    PUBLIC_URL: o.publicUrl,
    BUREAU_NAME: o.bureauName,
    LOG_ORIGIN: o.logOrigin,
    DELIVERY_WEBHOOK_URL: o.delivery?.webhookUrl,
    DELIVERY_WEBHOOK_SECRET: o.delivery?.secret,
  });
  const deps: AppDeps = { db, clock, signer: signerFromSeed(randomSeed()), config, bodyBudgetBytes: opts.bodyBudgetBytes };
  const app = createApp(deps);
  const ctx = (actor: Ctx['actor'] = { kind: 'system', name: 'test' }): Ctx => ({ db, clock, actor, config, signer: deps.signer });
  let users = 0;
  const call: TestApp['call'] = (method, path, o = {}) => Promise.resolve(app.request(path, callInit(method, o)));
  const admin = { kind: 'user', userId: 'admin', username: 'admin', role: 'admin', officerCode: null, tokenId: 'x' } as const;
  const userToken: TestApp['userToken'] = async (role, o = {}) => {
    const out = await createUser({
      ctx: ctx(admin),
      input: { username: o.username ?? `${role}${++users}_${counter}`, role, officerCode: o.officerCode },
    });
    return out.token;
  };
  return { app, db, clock, adminToken, deps, close, ctx, userToken, call };
}
