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

    expect(out.failures, out.firstErrors.join('\n')).toEqual({});
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
    // The last: a change of hr.zhao's own tier, which she was refused when she tried to approve it.
    expect(adjustments.map((a) => a.status)).toEqual(['approved', 'pending', 'pending']);
    const [zhao] = await db.all<{ officer_code: string }>(sql`select officer_code from users where username = 'hr.zhao'`);
    const [own] = await db.all<{ officer_code: string }>(sql`select officer_code from adjustments order by requested_at desc limit 1`);
    expect(own!.officer_code).toBe(zhao!.officer_code);
    // Four eyes: runs published by a second HR user, appeals decided by a third, a policy waiting.
    const published = await db.all<{ maker: string; checker: string }>(sql`select c.username as maker, p.username as checker from grading_runs r
      join users c on c.id = r.created_by join users p on p.id = r.published_by where r.status = 'published'`);
    expect(published).toEqual([{ maker: 'hr.wang', checker: 'hr.li' }]);
    expect(await db.all(sql`select status from policy_proposals`)).toEqual([{ status: 'proposed' }]);
    expect((await db.all<{ n: number }>(sql`select count(*) as n from invitations where link_cut_at is not null`))[0]!.n).toBeGreaterThan(0);
    expect(await db.all(sql`select count(*) as n from erasure_requests`)).toEqual([{ n: 1 }]);
    // The last published quarter's decided appeal is upheld: a correction payroll follows.
    const appeals = await db.all<{ status: string }>(sql`select status from appeals order by filed_at`);
    expect(appeals.map((a) => a.status)).toEqual(['upheld', 'pending']);
    expect(out.counts.corrections).toBe(1);
    const flagStates = await db.all<{ status: string; outcome: string | null; n: number }>(sql`select status, outcome, count(*) as n from flags group by status, outcome`);
    expect(flagStates.some((f) => f.status === 'closed' && f.outcome === 'confirmed')).toBe(true);
    expect(flagStates.some((f) => f.status === 'open')).toBe(true);
    // Issue 13: panels drawn by the service with votes cast by members, one waiting for the demo
    // officer; a lapsed panel raising no quorum; a flag awaiting the officer's answer; an escalated
    // flag; spot checks; a public summary whose figures match their leaf.
    const demoOfficer = out.staff.find((s) => s.role === 'officer')!.officerCode!;
    const reviews = Object.fromEntries((await db.all<{ status: string; n: number }>(sql`select status, count(*) as n from decision_reviews group by status`)).map((r) => [r.status, Number(r.n)]));
    expect(reviews.approved).toBeGreaterThan(10);
    expect(reviews.lapsed).toBeGreaterThan(0);
    const waiting = await db.all<{ id: string }>(sql`select s.decision_id as id from decision_reviewers s join decision_reviews r on r.decision_id = s.decision_id
      where s.officer_code = ${demoOfficer} and r.status = 'pending_review' and not exists (select 1 from decision_votes v where v.decision_id = s.decision_id and v.officer_code = s.officer_code)`);
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    expect(Number((await db.all<{ n: number }>(sql`select count(*) as n from decision_votes`))[0]!.n)).toBeGreaterThan(2 * reviews.approved!);
    const noQuorum = await db.all<{ evidence: string }>(sql`select evidence from flags where rule = 'no_quorum'`);
    expect(noQuorum.some((f) => (JSON.parse(f.evidence) as { panels: { status: string }[] }).panels.some((p) => p.status === 'lapsed'))).toBe(true);
    const awaiting = await db.all<{ id: string }>(sql`select f.id from flags f join flag_notices n on n.flag_id = f.id
      where f.subject_code = ${demoOfficer} and f.status = 'in_review' and not exists (select 1 from flag_answers a where a.flag_id = f.id)`);
    expect(awaiting).toHaveLength(1);
    expect(Number((await db.all<{ n: number }>(sql`select count(*) as n from flag_answers`))[0]!.n)).toBeGreaterThan(0);
    expect(await db.all(sql`select f.id from flags f join flag_escalations e on e.flag_id = f.id where f.status = 'open'`)).toHaveLength(1);
    const spot = await db.all<{ period: string; n: number; done: number }>(sql`select s.period, count(*) as n, sum(i.outcome is not null) as done from spot_checks s join spot_check_items i on i.spot_check_id = s.id group by s.period order by s.period`);
    expect(spot.map((x) => x.period)).toEqual(['2025Q4', '2026Q1', '2026Q2', '2026Q3']);
    expect(spot.every((x) => Number(x.done) > 0)).toBe(true);
    expect(Number((await db.all<{ n: number }>(sql`select count(*) as n from flags where rule = 'spot_check'`))[0]!.n)).toBeGreaterThan(0);

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
    expect(roles).toEqual(['admin', 'hr', 'hr', 'hr', 'intake', 'officer', 'supervisor', 'supervisor']);
    const { tokens, invitationUrl } = await demoTokens({ db, signer, staff: out.staff });
    expect(tokens).toHaveLength(8);
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
    const pub = (await (await app.request('/api/v1/public/2026Q3')).json()) as { matches: boolean; figures: { spotCheck: { drawn: number } } };
    expect(pub.matches).toBe(true);
    expect(pub.figures.spotCheck.drawn).toBeGreaterThan(0);
  });

  it('with fullYear: four published quarters of the review year, its published annual review, a correction in payroll', { timeout: 300_000 }, async () => {
    const { db } = await makeDb();
    const signer = signerFromSeed(randomSeed());
    const size: BureauSize = { ...small, label: 'demo-year', workloadQuarters: 8, fullYear: true };
    await ensureAdmin(db, fixedClock(demoStart('2026-11-24', size, 'test')), 'tgo_demo_test_admin_token_000000000001');
    const out = await fillDemo({ db, signer, today: '2026-11-24', size, seed: 'test' });
    expect(out.failures, out.firstErrors.join('\n')).toEqual({});
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
