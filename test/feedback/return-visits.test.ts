import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp } from '../support/app.js';
import { assign, seedFeedbackWorld } from '../support/feedback.js';
import { drawSample } from '../../src/feedback/return-visits.js';

type Draw = {
  sampleId: string;
  seed: string;
  invitations: { officerCode: string; taxpayerCode: string; interactionRef: string; token: string; url: string }[];
  skippedOfficers: { officerCode: string }[];
};

describe('random return visits', () => {
  it('draws k taxpayers per officer among those managed in the period, reproducibly from the seed', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t, { officers: 3, taxpayers: 30, leftOfficer: true });
    // O1 manages T001-T012 in 2026Q3; T013 only from 2026Q4 (outside), T014 ended in 2026Q2 (outside)
    for (let i = 1; i <= 12; i++) await assign(t, `T${String(i).padStart(3, '0')}`, 'O1', '2025-01-01');
    await assign(t, 'T013', 'O1', '2026-10-01');
    await assign(t, 'T014', 'O1', '2025-01-01', '2026-06-30');
    // O2: a taxpayer handed over mid-quarter counts for both officers
    await assign(t, 'T020', 'O2', '2025-01-01', '2026-08-15');
    await assign(t, 'T020', 'O3', '2026-08-16');
    await assign(t, 'T021', 'O2', '2026-01-01');
    await assign(t, 'T030', 'OLEFT', '2025-01-01');

    const draw = async (seed?: string) => {
      const res = await t.call('POST', '/api/v1/return-visits', { token: w.hr, json: { period: '2026Q3', perOfficer: 3, ...(seed ? { seed } : {}) } });
      expect(res.status).toBe(201);
      return (await res.json()) as Draw;
    };
    const a = await draw('seed-2026Q3');
    const b = await draw('seed-2026Q3');
    const pick = (d: Draw, o: string) => d.invitations.filter((i) => i.officerCode === o).map((i) => i.taxpayerCode);
    expect(pick(a, 'O1')).toHaveLength(3);
    expect(pick(a, 'O1')).toEqual(pick(b, 'O1'));
    for (const tp of pick(a, 'O1')) expect(Number(tp.slice(1))).toBeLessThanOrEqual(12);
    expect(pick(a, 'O2').sort()).toEqual(['T020', 'T021']);
    expect(pick(a, 'O3')).toEqual(['T020']);
    expect(a.skippedOfficers.map((s) => s.officerCode)).toEqual(['OLEFT']);
    // The reference names the draw and the place in it, never the taxpayer (it reaches the log).
    expect(a.invitations[0]!.interactionRef).toBe(`rv:${a.sampleId}:${a.invitations[0]!.officerCode}:1`);
    const leaves = await t.db.all<{ leaf: string }>(sql`select leaf from audit_entries where action in ('return_visit.draw', 'invitation.issue')`);
    for (const l of leaves) for (const i of a.invitations) expect(l.leaf).not.toContain(i.taxpayerCode);
    expect(new Set([...a.invitations, ...b.invitations].map((i) => i.token)).size).toBe(a.invitations.length * 2);

    // the seed is recorded and the draw is a pure function of it
    const [rec] = await t.db.all<{ seed: string; per_officer: number }>(sql`select * from return_visit_samples where id = ${a.sampleId}`);
    expect(rec).toMatchObject({ seed: 'seed-2026Q3', per_officer: 3 });
    const candidates = Array.from({ length: 12 }, (_, i) => `T${String(i + 1).padStart(3, '0')}`);
    expect(drawSample('seed-2026Q3', 'O1', candidates, 3)).toEqual(pick(a, 'O1'));
    // a different seed draws differently (with 220 possible triples, a clash is unlikely but we
    // try a few seeds so the test cannot flake)
    const others = ['x', 'y', 'z', 'w'].map((s) => drawSample(s, 'O1', candidates, 3).join());
    expect(others.some((o) => o !== pick(a, 'O1').join())).toBe(true);
    // without a seed one is generated and returned
    const c = await draw();
    expect(c.seed.length).toBeGreaterThanOrEqual(16);
    // anyone with access can re-run the recorded draw beside its invitations
    const check = await t.call('GET', `/api/v1/return-visits/${a.sampleId}`, { token: await t.userToken('supervisor', { officerCode: 'O3' }) });
    expect(check.status).toBe(200);
    const cb = (await check.json()) as { reproducible: boolean; seed: string; officers: { officerCode: string; invited: string[]; redrawn: string[]; matches: boolean }[] };
    expect(cb.reproducible).toBe(true);
    expect(cb.seed).toBe('seed-2026Q3');
    expect(cb.officers.find((o) => o.officerCode === 'O1')!.redrawn).toEqual(pick(a, 'O1'));
    // a backdated assignment changes the candidates: the check says so
    await assign(t, 'T025', 'O1', '2026-08-01');
    const after = (await (await t.call('GET', `/api/v1/return-visits/${a.sampleId}`, { token: w.hr })).json()) as { reproducible: boolean };
    const with25 = drawSample('seed-2026Q3', 'O1', [...candidates, 'T025'].sort(), 3);
    expect(after.reproducible).toBe([...with25].sort().join() === [...pick(a, 'O1')].sort().join());
    expect((await t.call('GET', '/api/v1/return-visits/rvs_nope', { token: w.hr })).status).toBe(404);
    expect((await t.call('GET', `/api/v1/return-visits/${a.sampleId}`, { token: w.intake })).status).toBe(403);
    // every invitation works as a form link
    expect((await t.call('GET', new URL(a.invitations[0]!.url).pathname)).status).toBe(200);
  });

  it('is for HR only and validates its input', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    expect((await t.call('POST', '/api/v1/return-visits', { token: w.intake, json: { period: '2026Q3', perOfficer: 2 } })).status).toBe(403);
    const bad = await t.call('POST', '/api/v1/return-visits', { token: w.hr, json: { period: '2026-Q5', perOfficer: 0 } });
    expect(bad.status).toBe(400);
    const paths = ((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort();
    expect(paths).toEqual(['perOfficer', 'period']);
  });

  it('draws uniformly enough: every candidate can be drawn', () => {
    const candidates = Array.from({ length: 10 }, (_, i) => `T${i}`);
    const seen = new Set<string>();
    for (let s = 0; s < 200; s++) for (const tp of drawSample(`s${s}`, 'O1', candidates, 2)) seen.add(tp);
    expect(seen.size).toBe(10);
  });
});
