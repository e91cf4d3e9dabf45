import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp } from '../support/app.js';
import { invite, seedFeedbackWorld } from '../support/feedback.js';
import { sha256Hex } from '../../src/core/ids.js';
import { commitmentOf } from '../../src/audit/commitment.js';

describe('invitations', () => {
  it('issues a single-use link whose token is stored only as its SHA-256 and audited without it', async () => {
    const t = await makeTestApp({ config: { publicUrl: 'https://grading.example.gov.cn' } });
    const w = await seedFeedbackWorld(t);
    const res = await t.call('POST', '/api/v1/invitations', {
      token: w.intake,
      json: { officerCode: 'O1', taxpayerCode: 'T001', interactionRef: 'hall-2026-0001' },
    });
    expect(res.status).toBe(201);
    const inv = (await res.json()) as { token: string; url: string; expiresAt: string };
    // >= 128 random bits of base64url
    expect(inv.token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(inv.token.length * 6).toBeGreaterThanOrEqual(128);
    expect(inv.url).toBe(`https://grading.example.gov.cn/f/${inv.token}`);
    expect(inv.expiresAt).toBe('2026-11-14T08:00:00.000Z'); // 30 days after 2026-10-15T08:00
    const rows = await t.db.all<{ token_hash: string }>(sql`select token_hash from invitations`);
    expect(rows).toEqual([{ token_hash: await sha256Hex(inv.token) }]);
    const audit = await t.db.all<{ leaf: string }>(sql`select leaf from audit_entries where action = 'invitation.issue'`);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.leaf).not.toContain(inv.token);
    // No taxpayer identity in the leaf: a salted commitment to it, opened by the row's nonce.
    const payload = JSON.parse(audit[0]!.leaf).payload;
    expect(payload).toMatchObject({ officerCode: 'O1', tokenHash: await sha256Hex(inv.token) });
    expect(audit[0]!.leaf).not.toContain('T001');
    expect(audit[0]!.leaf).not.toContain('hall-2026-0001');
    const [{ commitment_nonce: nonce }] = await t.db.all<{ commitment_nonce: string }>(sql`select commitment_nonce from invitations`);
    expect(payload.taxpayer).toBe(commitmentOf({ taxpayerCode: 'T001', interactionRef: 'hall-2026-0001' }, nonce));
  });

  it('never gives one interaction two invitations, also when two requests race', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const body = { officerCode: 'O1', taxpayerCode: 'T001', interactionRef: 'hall-42' };
    const [a, b] = await Promise.all([
      t.call('POST', '/api/v1/invitations', { token: w.intake, json: body }),
      t.call('POST', '/api/v1/invitations', { token: w.hr, json: body }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const again = await t.call('POST', '/api/v1/invitations', { token: w.intake, json: body });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('interactionRef');
  });

  it('refuses officers who have left (409 naming officerCode) and unknown officers or taxpayers (400)', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t, { leftOfficer: true });
    const left = await t.call('POST', '/api/v1/invitations', { token: w.intake, json: { officerCode: 'OLEFT', taxpayerCode: 'T001', interactionRef: 'a' } });
    expect(left.status).toBe(409);
    const lp = (await left.json()) as { code: string; errors: { path: string }[] };
    expect(lp.code).toBe('officer_left');
    expect(lp.errors[0]!.path).toBe('officerCode');
    const unknownOfficer = await t.call('POST', '/api/v1/invitations', { token: w.intake, json: { officerCode: 'NOPE', taxpayerCode: 'T001', interactionRef: 'b' } });
    expect(unknownOfficer.status).toBe(400);
    expect(((await unknownOfficer.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('officerCode');
    const unknownTp = await t.call('POST', '/api/v1/invitations', { token: w.intake, json: { officerCode: 'O1', taxpayerCode: 'NOPE', interactionRef: 'c' } });
    expect(unknownTp.status).toBe(400);
    expect(((await unknownTp.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('taxpayerCode');
    const missing = await t.call('POST', '/api/v1/invitations', { token: w.intake, json: { officerCode: 'O1' } });
    expect(missing.status).toBe(400);
    const n = await t.db.all<{ n: number }>(sql`select count(*) as n from invitations`);
    expect(n[0]!.n).toBe(0);
  });

  it('is for intake and hr only', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const body = { officerCode: 'O1', taxpayerCode: 'T001', interactionRef: 'x' };
    expect((await t.call('POST', '/api/v1/invitations', { json: body })).status).toBe(401);
    for (const role of ['officer', 'supervisor', 'admin'] as const) {
      const tok = await t.userToken(role, role === 'admin' ? {} : { officerCode: 'O2' });
      expect((await t.call('POST', '/api/v1/invitations', { token: tok, json: body })).status).toBe(403);
    }
    expect((await t.call('POST', '/api/v1/invitations', { token: w.hr, json: body })).status).toBe(201);
  });

  it('draws the QR code of the link as SVG and prints a slip with bureau, officer and short link', async () => {
    const t = await makeTestApp({ config: { bureauName: '测试市税务局' } });
    const w = await seedFeedbackWorld(t);
    const inv = await invite(t, w, 'O2');
    const qr = await t.call('GET', `/f/${inv.token}/qr.svg`);
    expect(qr.status).toBe(200);
    expect(qr.headers.get('content-type')).toContain('image/svg+xml');
    const svg = await qr.text();
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<path');
    const slip = await t.call('GET', `/f/${inv.token}/slip`);
    expect(slip.status).toBe(200);
    const html = await slip.text();
    expect(html).toContain('测试市税务局');
    expect(html).toContain('税务员2');
    expect(html).toContain(inv.url);
    expect(html).toContain('<svg');
    expect((await t.call('GET', `/f/${'x'.repeat(43)}/qr.svg`)).status).toBe(404);
  });
});

describe('the feedback API in the OpenAPI document', () => {
  it('lists every path of API.md "Feedback" and ours', async () => {
    const t = await makeTestApp();
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, method] of [
      ['/api/v1/invitations', 'post'],
      ['/api/v1/return-visits', 'post'],
      ['/api/v1/feedback/summary', 'get'],
      ['/api/v1/feedback/responses', 'get'],
      ['/api/v1/feedback/responses/{id}/void', 'post'],
      ['/f/{token}', 'get'],
      ['/f/{token}', 'post'],
      ['/f/{token}/qr.svg', 'get'],
      ['/f/{token}/slip', 'get'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeTruthy();
    }
  });
});
