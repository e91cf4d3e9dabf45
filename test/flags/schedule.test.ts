import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { flags } from '../../db/schema.js';
import { startSchedule } from '../../src/node.js';
import { runScheduled } from '../../src/scheduled.js';
import { createLogger } from '../../src/ops/telemetry.js';
import { makeTestApp } from '../support/app.js';
import { decisionsFor, officer } from '../support/oversight.js';

describe('scheduled scans', () => {
  it('the Node timer runs the scheduled jobs as the system actor, never twice for one condition, and stops when asked', async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    await officer(t, 'O1');
    await decisionsFor(t, Array.from({ length: 7 }, () => ({ decider: 'O1', amount: 19_000, threshold: 20_000 })));
    const config = { publicUrl: 'x', bureauName: 'b', logOrigin: 'o' };
    const stop = startSchedule({ db: t.db, signer: t.deps.signer, clock: t.clock, config }, 20);
    const bunching = () => t.db.select().from(flags).where(sql`rule = 'threshold_bunching'`);
    for (let i = 0; i < 100 && (await bunching()).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 150)); // several more ticks
    stop();
    expect(await bunching()).toHaveLength(1); // later ticks found the flag open and raised nothing
    const actors = await t.db.all<{ actor: string }>(sql`select distinct actor from audit_entries where action = 'flag.raise'`);
    expect(actors).toEqual([{ actor: 'system:flag-scan' }]);
    const [{ n }] = await t.db.all<{ n: number }>(sql`select count(*) as n from audit_checkpoints`);
    expect(n).toBeGreaterThan(0); // the checkpoint job ran too

    await officer(t, 'O2');
    await decisionsFor(t, Array.from({ length: 7 }, () => ({ decider: 'O2', amount: 19_000, threshold: 20_000 })));
    await new Promise((r) => setTimeout(r, 150));
    expect(await bunching()).toHaveLength(1); // stopped: O2's bunching waits for the next scan
  });

  it('the Worker cron hook (runScheduled) scans too', async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    await officer(t, 'O1');
    await decisionsFor(t, Array.from({ length: 7 }, () => ({ decider: 'O1', amount: 19_000, threshold: 20_000 })));
    await runScheduled({ db: t.db, signer: t.deps.signer, clock: t.clock, config: { publicUrl: 'x', bureauName: 'b', logOrigin: 'o' } });
    expect(await t.db.select().from(flags).where(sql`rule = 'threshold_bunching'`)).toHaveLength(1);
  });

  it('runs the scan after the jobs that do not need it (a long scan delays no delivery or erasure) and right before the checkpoint that covers it', async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    const lines: string[] = [];
    const log = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
    await runScheduled({ db: t.db, signer: t.deps.signer, clock: t.clock, config: { publicUrl: 'x', bureauName: 'b', logOrigin: 'o' }, telemetry: { log } });
    const order = lines.map((l) => JSON.parse(l) as { msg: string; job: string }).filter((r) => r.msg === 'job').map((r) => r.job);
    expect(order).toContain('scan');
    for (const before of ['review-lapse', 'spot-check', 'public-summary', 'retention', 'delivery']) expect(order.indexOf(before), before).toBeLessThan(order.indexOf('scan'));
    expect(order.indexOf('checkpoint')).toBe(order.indexOf('scan') + 1);
  });
});
