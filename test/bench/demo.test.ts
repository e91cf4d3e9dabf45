/**
 * The demo's filler drives the real service verbs: on a small bureau, every event is accepted,
 * every write is in an audit log that verifies, and the printed tokens work.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { makeDb } from '../support/app.js';
import { ensureAdmin } from '../../src/auth/users.js';
import { fixedClock } from '../../src/core/clock.js';
import { createApp } from '../../src/app.js';
import { randomSeed, signerFromSeed } from '../../src/audit/signer.js';
import { verifyLog } from '../../src/audit/verify.js';
import { demoStart, demoTokens, fillDemo, isFilledDemo } from '../../scripts/synthetic/fill-demo.js';
import type { BureauSize } from '../../scripts/synthetic/sizes.js';

const small: BureauSize = {
  label: 'demo-test',
  units: 3,
  peerGroups: ['urban', 'county', 'development_zone'],
  officers: 36,
  taxpayers: 240,
  workloadQuarters: 2,
  responses: 120,
  decisions: 160,
  audit: 0,
  importRows: 0,
};

describe('fillDemo', () => {
  it('fills a bureau through the verbs, audited, with working tokens', { timeout: 180_000 }, async () => {
    const { db } = await makeDb();
    const signer = signerFromSeed(randomSeed());
    await ensureAdmin(db, fixedClock(demoStart('2026-11-24', small, 'test')), 'tgo_demo_test_admin_token_000000000000');
    expect(await isFilledDemo(db)).toBe(false);
    const out = await fillDemo({ db, signer, today: '2026-11-24', size: small, seed: 'test' });

    expect(out.failures).toEqual({});
    expect(out.counts.officers).toBe(36);
    expect(out.counts.taxpayers).toBe(240);
    // The bureau's 120, and the return visit and friendly invitations of the complaints demo.
    expect(out.counts.responses).toBeGreaterThan(120);
    // Amendments of an already-amended decision are skipped by the generator's replay, never refused.
    expect(out.counts.decisions).toBeGreaterThan(150);
    expect(out.counts.invitations).toBeGreaterThan(out.counts.responses);
    expect(out.counts.gradingRuns).toBe(2);
    expect(out.counts.checkpoints).toBeGreaterThan(10);
    expect(out.counts.flags).toBeGreaterThan(0);
    expect(await isFilledDemo(db)).toBe(true);
    // Issue 15's demo: complaints from every channel, worked; an outbox with delivered and failed
    // messages; a return visit; one officer whose own invitations rate far above the random ones.
    const channels = await db.all<{ channel: string }>(sql`select distinct channel from complaints order by channel`);
    // (form complaints come with the bureau's responses, rare on a bureau this small)
    expect(channels.map((c) => c.channel)).toEqual(expect.arrayContaining(['hotline_12366', 'letter', 'service_hall', 'web']));
    const closedComplaints = await db.all<{ n: number }>(sql`select count(*) as n from complaints where status = 'closed'`);
    expect(closedComplaints[0]!.n).toBeGreaterThan(0);
    const outbox = await db.all<{ status: string }>(sql`select distinct status from delivery_outbox order by status`);
    expect(outbox.map((o) => o.status)).toEqual(expect.arrayContaining(['delivered', 'failed', 'pending']));
    const selection = await db.all<{ subject_code: string }>(sql`select subject_code from flags where rule = 'feedback_selection'`);
    expect(selection).toHaveLength(1);

    const runs = await db.all<{ period: string; status: string }>(sql`select period, status from grading_runs order by period`);
    expect(runs).toEqual([
      { period: '2026Q2', status: 'published' },
      { period: '2026Q3', status: 'computed' },
    ]);
    // The story goes past grading: four-eyes adjustments, appeals, flags worked by supervisors.
    const adjustments = await db.all<{ status: string }>(sql`select status from adjustments order by requested_at`);
    expect(adjustments.map((a) => a.status)).toEqual(['approved', 'pending']);
    const appeals = await db.all<{ status: string }>(sql`select status from appeals order by filed_at`);
    expect(appeals.map((a) => a.status)).toEqual(['dismissed', 'pending']);
    const flagStates = await db.all<{ status: string; outcome: string | null; n: number }>(sql`select status, outcome, count(*) as n from flags group by status, outcome`);
    expect(flagStates.some((f) => f.status === 'closed' && f.outcome === 'confirmed')).toBe(true);
    expect(flagStates.some((f) => f.status === 'open')).toBe(true);
    // Every write went through commit(): far more entries than rows of any one kind, and the
    // log verifies from its bytes, with its checkpoints.
    expect(out.counts.auditEntries).toBeGreaterThan(out.counts.responses + out.counts.decisions + out.counts.invitations);
    const report = await verifyLog(db, signer.publicKey);
    expect(report.ok).toBe(true);
    expect(report.size).toBe(out.counts.auditEntries);
    // The log is in time order, as the bureau lived it.
    const disorder = await db.all<{ n: number }>(sql`select count(*) as n from audit_entries a join audit_entries b on b.seq = a.seq + 1 where b.at < a.at`);
    expect(disorder[0]!.n).toBe(0);

    const roles = out.staff.map((s) => s.role).sort();
    expect(roles).toEqual(['admin', 'hr', 'hr', 'intake', 'officer', 'supervisor', 'supervisor']);
    const { tokens, invitationUrl } = await demoTokens({ db, signer, staff: out.staff });
    expect(tokens).toHaveLength(7);
    expect(invitationUrl).toMatch(/\/f\/[A-Za-z0-9_-]{22,}$/);
    const app = createApp({ db, signer });
    const hr = tokens.find((t) => t.role === 'hr')!;
    const res = await app.request('/api/v1/grading-runs', { headers: { authorization: `Bearer ${hr.token}` } });
    expect(res.status).toBe(200);
    const officer = tokens.find((t) => t.role === 'officer')!;
    const denied = await app.request('/api/v1/grading-runs', { method: 'POST', headers: { authorization: `Bearer ${officer.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ period: '2026Q3' }) });
    expect(denied.status).toBe(403);
    const form = await app.request(new URL(invitationUrl!).pathname);
    expect(form.status).toBe(200);
  });
});
