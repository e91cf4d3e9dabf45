/**
 * npm run restore refuses to rewind the audit log silently: it names both logs' sizes and changes
 * nothing, unless given a reason, which then goes into the log before anything new is signed; the
 * later checkpoints (with their cosignatures) stay beside the restored log, the verifier reports
 * the rewind, and the witness that saw the later log refuses the restored one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, basename } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDb, type Db } from '../../db/client.js';
import { fixedClock } from '../../src/core/clock.js';
import type { Ctx } from '../../src/core/context.js';
import { randomSeed, signerFromSeed } from '../../src/audit/signer.js';
import { makeCheckpoint } from '../../src/audit/checkpoint.js';
import { treeSize } from '../../src/audit/tree-store.js';
import { verifyLog } from '../../src/audit/verify.js';
import { parseWitnesses, witnessCheckpoint } from '../../src/audit/witness.js';
import { backupDatabase } from '../../src/ops/backup.js';
import { makeDb } from '../support/app.js';
import { appendEntries } from '../support/audit.js';
import { startWitness, type RunningWitness } from '../support/witness.js';
import { b64, runTool } from './support.js';

const ORIGIN = 'restore.test/audit';
const signer = signerFromSeed(randomSeed());
const KEY = b64(signer.publicKey);
const REASON = 'Disk failure on the primary; restoring the nightly backup (ticket OPS-1234)';
let witness: RunningWitness | undefined;
afterAll(async () => {
  await witness?.stop();
});

async function open(url: string) {
  const { db, client } = await openDb({ url });
  return { db, close: () => client.close() };
}

function ctxFor(db: Db, witnesses: ReturnType<typeof parseWitnesses> = []): Ctx {
  return { db, signer, clock: fixedClock('2026-10-15T08:00:00.000Z'), actor: { kind: 'system', name: 'test' }, config: { publicUrl: 'x', bureauName: 'b', logOrigin: ORIGIN, witnesses } };
}

describe('npm run restore', () => {
  it('refuses a rewind naming both sizes, accepts it only with a reason, records it and keeps the rewound checkpoints', async () => {
    witness = await startWitness({ name: 'witness.test/restore', logOrigin: ORIGIN, logPublicKey: signer.publicKey });
    const witnesses = parseWitnesses(witness.entry);
    const live = await makeDb();
    const ctx = ctxFor(live.db, witnesses);
    await appendEntries(ctx, 30);
    const early = await makeCheckpoint(ctx);
    expect((await witnessCheckpoint(ctx, early))[0]!.outcome).toBe('cosigned');
    const backup = `${dirname(live.url.slice('file:'.length))}/nightly.db`;
    await backupDatabase({ databaseUrl: live.url, file: backup, publicKey: signer.publicKey });
    await appendEntries(ctx, 20);
    const later = await makeCheckpoint(ctx);
    expect((await witnessCheckpoint(ctx, later))[0]!.outcome).toBe('cosigned');
    live.close(); // the service is stopped before a restore

    const refused = await runTool('restore.ts', [backup, '--key', KEY], { DATABASE_URL: live.url });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`the database's audit log has ${later.size} entries with signed checkpoints up to size ${later.size}`);
    expect(refused.stderr).toContain(`the backup's has ${early.size} entries, signed up to size ${early.size}`);
    expect(refused.stderr).toContain('--accept-rewind');
    const noReason = await runTool('restore.ts', [backup, '--key', KEY, '--accept-rewind', '  '], { DATABASE_URL: live.url });
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toMatch(/needs a reason/);
    {
      const still = await open(live.url); // nothing changed
      expect(await treeSize(still.db)).toBe(later.size);
      still.close();
    }

    const accepted = await runTool('restore.ts', [backup, '--key', KEY, '--accept-rewind', REASON], { DATABASE_URL: live.url });
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain(`rewound      1 signed checkpoint(s), kept beside the log: sizes ${later.size}`);
    // The replaced database is kept aside, whole.
    const dir = dirname(live.url.slice('file:'.length));
    const aside = readdirSync(dir).filter((f) => f.startsWith(`${basename(live.url)}.replaced-`) && !/-(wal|shm)$/.test(f));
    expect(aside).toHaveLength(1);
    {
      const old = await open(`file:${dir}/${aside[0]}`);
      expect(await treeSize(old.db)).toBe(later.size);
      old.close();
    }

    const restored = await open(live.url);
    try {
      const { db } = restored;
      // The rewind is the first entry after the backup's log, with its reason.
      expect(await treeSize(db)).toBe(early.size + 1);
      const [entry] = await db.all<{ action: string; actor: string; leaf: string }>(sql`select action, actor, leaf from audit_entries where seq = ${early.size}`);
      expect(entry).toMatchObject({ action: 'audit.rewind', actor: 'system:restore' });
      const payload = (JSON.parse(entry!.leaf) as { payload: { reason: string; replaced: { entries: number }; restored: { entries: number }; rewoundCheckpoints: unknown[] } }).payload;
      expect(payload).toMatchObject({ reason: REASON, replaced: { entries: later.size }, restored: { entries: early.size }, rewoundCheckpoints: [{ size: later.size, rootHash: later.rootHash }] });
      // The later checkpoint is kept, with the witness's cosignature, and the rewind entry named.
      const kept = await db.all<{ size: number; root_hash: string; text: string; rewind_seq: number }>(sql`select size, root_hash, text, rewind_seq from audit_rewound_checkpoints`);
      expect(kept).toHaveLength(1);
      expect(kept[0]).toMatchObject({ size: later.size, root_hash: later.rootHash, rewind_seq: early.size });
      expect(kept[0]!.text.startsWith(later.checkpoint)).toBe(true);
      expect(kept[0]!.text).toContain('\u2014 witness.test/restore ');

      // The verifier reports it, from the stored checkpoints.
      const report = await verifyLog(db, signer.publicKey);
      expect(report).toMatchObject({ ok: true, size: early.size + 1 });
      expect(report.rewinds).toEqual([{ size: later.size, rootHash: later.rootHash, signedAt: later.timestamp, diverges: true, entryIndex: early.size, reason: REASON }]);
      const cli = await runTool('verify.ts', ['--key', KEY], { DATABASE_URL: live.url });
      expect(cli.code).toBe(0);
      expect(cli.stdout).toContain(`REWOUND: the checkpoint of size ${later.size}`);
      expect(cli.stdout).toContain(REASON);

      // The first new checkpoint covers the rewind entry; the witness that saw the later log refuses it.
      const next = await makeCheckpoint(ctxFor(db, witnesses));
      expect(next.size).toBe(early.size + 1);
      const [w] = await witnessCheckpoint(ctxFor(db, witnesses), next);
      expect(w).toMatchObject({ outcome: 'refused' });
      expect(witness.state(ORIGIN)!.size).toBe(later.size);

      // A kept checkpoint without its rewind entry (written by hand) stops all signing.
      await db.run(sql`insert into audit_rewound_checkpoints (size, root_hash, at, text, rewind_seq) values (${later.size}, ${later.rootHash}, ${later.timestamp}, ${later.checkpoint}, 3)`);
      await appendEntries(ctxFor(db), 1);
      await expect(makeCheckpoint(ctxFor(db))).rejects.toThrow(/without an audit entry recording the rewind/);
      const bad = await verifyLog(db, signer.publicKey);
      expect(bad).toMatchObject({ ok: false, firstBadIndex: 3 });
    } finally {
      restored.close();
    }
  });

  it('restores without a reason when nothing is lost, and records the restore', async () => {
    const live = await makeDb();
    const ctx = ctxFor(live.db);
    await appendEntries(ctx, 12);
    await makeCheckpoint(ctx);
    const backup = `${dirname(live.url.slice('file:'.length))}/same.db`;
    await backupDatabase({ databaseUrl: live.url, file: backup, publicKey: signer.publicKey });
    live.close();
    const out = await runTool('restore.ts', [backup, '--key', KEY], { DATABASE_URL: live.url });
    expect(out.code, out.stderr).toBe(0);
    const restored = await open(live.url);
    try {
      const rows = await restored.db.all<{ action: string }>(sql`select action from audit_entries order by seq desc limit 1`);
      expect(rows[0]!.action).toBe('audit.restore');
      const report = await verifyLog(restored.db, signer.publicKey);
      expect(report).toMatchObject({ ok: true, rewinds: [] });
    } finally {
      restored.close();
    }
    expect(existsSync(backup)).toBe(true); // the backup itself is never changed
  });
});
