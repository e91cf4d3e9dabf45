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
    expect(out.counts.responses).toBe(120);
    // Amendments of an already-amended decision are skipped by the generator's replay, never refused.
    expect(out.counts.decisions).toBeGreaterThan(150);
    expect(out.counts.invitations).toBeGreaterThan(out.counts.responses);
    expect(out.counts.gradingRuns).toBe(2);
    expect(out.counts.checkpoints).toBeGreaterThan(10);
    expect(out.counts.flags).toBeGreaterThan(0);
    expect(await isFilledDemo(db)).toBe(true);

    const runs = await db.all<{ period: string; status: string }>(sql`select period, status from grading_runs order by period`);
    expect(runs).toEqual([
      { period: '2026Q2', status: 'published' },
      { period: '2026Q3', status: 'computed' },
    ]);
    // The story goes past grading: four-eyes adjustments, appeals, flags worked by supervisors.
    const adjustments = await db.all<{ status: string }>(sql`select status from adjustments order by requested_at`);
    expect(adjustments.map((a) => a.status)).toEqual(['approved', 'pending']);
    // The last published quarter's decided appeal is upheld: a correction payroll follows.
    const appeals = await db.all<{ status: string }>(sql`select status from appeals order by filed_at`);
    expect(appeals.map((a) => a.status)).toEqual(['upheld', 'pending']);
    expect(out.counts.corrections).toBe(1);
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

  it('with fullYear: four published quarters of the review year, its published annual review, a correction in payroll', { timeout: 300_000 }, async () => {
    const { db } = await makeDb();
    const signer = signerFromSeed(randomSeed());
    const size: BureauSize = { ...small, label: 'demo-year', workloadQuarters: 8, fullYear: true };
    await ensureAdmin(db, fixedClock(demoStart('2026-11-24', size, 'test')), 'tgo_demo_test_admin_token_000000000001');
    const out = await fillDemo({ db, signer, today: '2026-11-24', size, seed: 'test' });
    expect(out.failures).toEqual({});
    expect(out.bureau.reviewYear).toBe(2025);
    const runs = await db.all<{ period: string; status: string }>(sql`select period, status from grading_runs order by period`);
    expect(runs).toEqual([
      ...['2025Q1', '2025Q2', '2025Q3', '2025Q4', '2026Q1', '2026Q2'].map((period) => ({ period, status: 'published' })),
      { period: '2026Q3', status: 'computed' },
    ]);
    const reviews = await db.all<{ year: number; status: string; runs: string }>(sql`select year, status, runs from annual_reviews`);
    expect(reviews.map((r) => [r.year, r.status])).toEqual([[2025, 'published']]);
    expect((JSON.parse(reviews[0]!.runs) as { period: string }[]).map((r) => r.period)).toEqual(['2025Q1', '2025Q2', '2025Q3', '2025Q4']);
    const [fix] = await db.all<{ run_id: string; officer_code: string; to_tier: number; source_id: string }>(sql`select run_id, officer_code, to_tier, source_id from corrections`);
    expect(fix).toBeDefined();
    // The correction is in the payroll export of its run.
    const { tokens } = await demoTokens({ db, signer, staff: out.staff });
    const hr = tokens.find((t) => t.role === 'hr')!;
    const app = createApp({ db, signer });
    const csv = await (await app.request(`/api/v1/grading-runs/${fix!.run_id}/export.csv`, { headers: { authorization: `Bearer ${hr.token}` } })).text();
    expect(csv).toMatch(new RegExp(`\r\n${fix!.officer_code},[^\r]*,${fix!.to_tier},[0-9.]+,[0-9.]+,[0-9]+,${fix!.source_id}\r\n`));
    const report = await verifyLog(db, signer.publicKey);
    expect(report.ok).toBe(true);
  });
});
