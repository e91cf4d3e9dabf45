import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { flags } from '../../db/schema.js';
import { startScanSchedule } from '../../src/flags/schedule.js';
import { runScheduled } from '../../src/scheduled.js';
import { makeTestApp } from '../support/app.js';
import { decisionsFor, officer } from '../support/oversight.js';

describe('scheduled scans', () => {
  it('the Node timer scans as the system actor and stops when asked', async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    await officer(t, 'O1');
    await decisionsFor(t, Array.from({ length: 7 }, () => ({ decider: 'O1', amount: 19_000, threshold: 20_000 })));
    const lines: string[] = [];
    const stop = startScanSchedule({ db: t.db, signer: t.deps.signer, clock: t.clock, log: (l) => lines.push(l) }, 20);
    for (let i = 0; i < 100 && lines.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    stop();
    expect(lines[0]).toMatch(/raised/);
    const rows = await t.db.select().from(flags).where(sql`rule = 'threshold_bunching'`);
    expect(rows).toHaveLength(1); // the second tick found the flag open and raised nothing
    const actors = await t.db.all<{ actor: string }>(sql`select distinct actor from audit_entries where action = 'flag.raise'`);
    expect(actors).toEqual([{ actor: 'system:flag-scan' }]);
  });

  it('the Worker cron hook (runScheduled) scans too', async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    await officer(t, 'O1');
    await decisionsFor(t, Array.from({ length: 7 }, () => ({ decider: 'O1', amount: 19_000, threshold: 20_000 })));
    await runScheduled({ db: t.db, signer: t.deps.signer, clock: t.clock, config: { publicUrl: 'x', bureauName: 'b', logOrigin: 'o' } });
    expect(await t.db.select().from(flags).where(sql`rule = 'threshold_bunching'`)).toHaveLength(1);
  });
});
