import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { makeTestApp } from '../support/app.js';
import { appendEntries, dropAuditTriggers } from '../support/audit.js';
import { makeCheckpoint } from '../../src/audit/checkpoint.js';

function runVerify(url: string, key: Uint8Array) {
  const out = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify.ts', '--key', Buffer.from(key).toString('base64')], {
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: out.status, text: out.stdout + out.stderr };
}

describe('npm run verify', () => {
  it('prints OK and exits 0 for a sound log, names the first bad index and exits 1 otherwise', async () => {
    const t = await makeTestApp();
    const { indices } = await appendEntries(t.ctx(), 50);
    await makeCheckpoint(t.ctx());
    const file = await t.db.all<{ file: string }>(sql`select file from pragma_database_list where name = 'main'`);
    const dbUrl = `file:${file[0]!.file}`;
    const good = runVerify(dbUrl, t.deps.signer.publicKey);
    expect(good.text).toContain('OK:');
    expect(good.code).toBe(0);

    await dropAuditTriggers(t.db);
    await t.db.run(sql`update audit_entries set leaf = replace(leaf, 'entry', 'forged') where seq = ${indices[17]!}`);
    const bad = runVerify(dbUrl, t.deps.signer.publicKey);
    expect(bad.code).toBe(1);
    expect(bad.text).toContain(`first bad index: ${indices[17]}`);
  });
});
