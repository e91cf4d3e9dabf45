import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { sql } from 'drizzle-orm';
import * as schema from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import { makeCheckpoint } from '../../src/audit/checkpoint.js';
import { verifyLog } from '../../src/audit/verify.js';
import { listBackups, pruneBackups, type BackupManifest } from '../../src/ops/backup.js';
import { makeTestApp } from '../support/app.js';
import { goodForm, invite, postForm, seedFeedbackWorld } from '../support/feedback.js';
import { b64, fileUrlOf, runTool } from './support.js';

const RECEIPT = /\/verify\?index=(\d+)&(?:amp;)?hash=([0-9a-f]{64})/;

describe('npm run backup', () => {
  it('snapshots the database during a burst of form submissions: the copy opens, verifies and holds every submission acknowledged before it started', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t, { officers: 3, taxpayers: 20 });
    const tokens: string[] = [];
    for (let i = 0; i < 240; i++) tokens.push((await invite(t, w, w.officers[i % 3], w.taxpayers[i % 20])).token);
    await makeCheckpoint(t.ctx());
    const url = await fileUrlOf(t.db);
    const file = join(mkdtempSync(join(tmpdir(), 'tgo-backup-')), 'copy.db');

    // Eight taxpayers submitting at once, one form after another, until the tokens run out.
    const acked: Array<{ index: number; hash: string; at: number }> = [];
    let next = 0;
    const submitter = async () => {
      while (next < tokens.length) {
        const res = await postForm(t, tokens[next++]!, goodForm);
        expect(res.status).toBe(200);
        const m = RECEIPT.exec(await res.text());
        acked.push({ index: Number(m![1]), hash: m![2]!, at: performance.now() });
      }
    };
    const burst = Promise.all(Array.from({ length: 8 }, submitter));
    while (acked.length < 40) await new Promise((r) => setTimeout(r, 5));

    const before = acked.length;
    const startedAt = performance.now();
    const run = runTool('backup.ts', [file, '--key', b64(t.deps.signer.publicKey)], { DATABASE_URL: url });
    const out = await run;
    const endedAt = performance.now();
    await burst;
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toContain('OK: manifest in');
    // Writes went on while the backup ran: the snapshot blocked nobody.
    expect(acked.filter((a) => a.at > startedAt && a.at < endedAt).length).toBeGreaterThan(0);

    const client = createClient({ url: `file:${file}` });
    try {
      const copy = drizzle(client, { schema }) as unknown as Db;
      const report = await verifyLog(copy, t.deps.signer.publicKey);
      expect(report.ok, report.problem).toBe(true);
      const stored = new Map(
        (await copy.all<{ seq: number; leaf_hash: string }>(sql`select seq, leaf_hash from audit_entries`)).map((r) => [Number(r.seq), r.leaf_hash]),
      );
      const responses = new Set((await copy.all<{ audit_index: number }>(sql`select audit_index from feedback_responses`)).map((r) => Number(r.audit_index)));
      const ackedBefore = acked.filter((a) => a.at < startedAt);
      expect(ackedBefore.length).toBeGreaterThanOrEqual(before);
      for (const a of ackedBefore) {
        expect(stored.get(a.index), `receipt ${a.index}`).toBe(a.hash);
        expect(responses.has(a.index), `response of receipt ${a.index}`).toBe(true);
      }
      const manifest = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as BackupManifest;
      expect(manifest).toMatchObject({ entries: report.size, rootHash: report.rootHash, checkpoint: { size: expect.any(Number) } });
      expect(manifest.checkpoint!.checkpoint).toContain('\u2014 ');
      expect(out.stdout).toContain(`checkpoint   size ${manifest.checkpoint!.size}`);
    } finally {
      client.close();
    }
  });

  it('refuses to overwrite a file, and keeps the newest N of a backup directory', async () => {
    const t = await makeTestApp();
    const url = await fileUrlOf(t.db);
    const dir = mkdtempSync(join(tmpdir(), 'tgo-backups-'));
    const key = b64(t.deps.signer.publicKey);
    for (let i = 0; i < 3; i++) {
      const out = await runTool('backup.ts', ['--dir', dir, '--keep', '2', '--json', '--key', key], { DATABASE_URL: url });
      expect(out.code, out.stderr).toBe(0);
      const m = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as BackupManifest & { removed: string[] };
      expect(existsSync(m.file)).toBe(true);
      expect(m.removed).toHaveLength(i < 2 ? 0 : 1);
    }
    const kept = listBackups(dir);
    expect(kept).toHaveLength(2);
    expect(pruneBackups(dir, 1)).toHaveLength(1);
    const again = await runTool('backup.ts', [listBackups(dir)[0]!.file, '--key', key], { DATABASE_URL: url });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/never overwrites/);
  });
});
