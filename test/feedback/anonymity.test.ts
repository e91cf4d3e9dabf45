import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app.js';
import { goodForm, invite, postForm, seedFeedbackWorld, type FeedbackWorld } from '../support/feedback.js';

async function rate(t: TestApp, w: FeedbackWorld, officer: string, n: number, form = goodForm) {
  for (let i = 0; i < n; i++) {
    const inv = await invite(t, w, officer);
    const res = await postForm(t, inv.token, { ...form, comment: `comment ${officer} ${i}` });
    expect(res.status).toBe(200);
  }
}

type Summary = { n: number; averages: null | Record<string, number>; note?: string };

describe('anonymity towards the officer', () => {
  it('shows an officer their own averages only from 5 responses up, never another officer’s', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const o1 = await t.userToken('officer', { officerCode: 'O1' });
    await rate(t, w, 'O1', 4);
    const s4 = await t.call('GET', '/api/v1/feedback/summary?officerCode=O1&period=2026Q4', { token: o1 });
    expect(s4.status).toBe(200);
    const b4 = (await s4.json()) as Summary;
    expect(b4.n).toBe(4);
    expect(b4.averages).toBeNull();
    expect(b4.note).toMatch(/5/);
    // HR sees the averages at any n
    const hr4 = (await (await t.call('GET', '/api/v1/feedback/summary?officerCode=O1&period=2026Q4', { token: w.hr })).json()) as Summary;
    expect(hr4.averages).toMatchObject({ professionalism: 5, attitude: 4, efficiency: 3, integrity: 5, overall: 4.25 });

    await rate(t, w, 'O1', 1);
    const b5 = (await (await t.call('GET', '/api/v1/feedback/summary?officerCode=O1&period=2026Q4', { token: o1 })).json()) as Summary;
    expect(b5.n).toBe(5);
    expect(b5.averages).toMatchObject({ professionalism: 5, overall: 4.25 });

    expect((await t.call('GET', '/api/v1/feedback/summary?officerCode=O2&period=2026Q4', { token: o1 })).status).toBe(403);
    expect((await t.call('GET', '/api/v1/feedback/summary?officerCode=O1&period=2026-10', { token: o1 })).status).toBe(400);
  });

  it('never lets an officer read single responses or comments; HR and supervisors can, never the taxpayer', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    await rate(t, w, 'O1', 6);
    await rate(t, w, 'O2', 2);
    const o1 = await t.userToken('officer', { officerCode: 'O1' });
    const res = await t.call('GET', '/api/v1/feedback/responses?officerCode=O1', { token: o1 });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('comment O1');
    expect((await t.call('GET', '/api/v1/feedback/responses', { token: o1 })).status).toBe(403);

    const page1 = await t.call('GET', '/api/v1/feedback/responses?officerCode=O1&period=2026Q4&limit=4', { token: w.hr });
    expect(page1.status).toBe(200);
    const p1 = (await page1.json()) as { items: Record<string, unknown>[]; nextCursor: string | null };
    expect(p1.items).toHaveLength(4);
    expect(p1.items[0]!.comment).toMatch(/^comment O1/);
    for (const item of p1.items) {
      expect(item).not.toHaveProperty('taxpayerCode');
      expect(item).not.toHaveProperty('invitationId');
    }
    const p2 = (await (await t.call('GET', `/api/v1/feedback/responses?officerCode=O1&limit=4&cursor=${p1.nextCursor}`, { token: w.hr })).json()) as { items: unknown[]; nextCursor: string | null };
    expect(p2.items).toHaveLength(2);
    expect(p2.nextCursor).toBeNull();

    // a supervisor (acting as O1) sees others' responses but never their own
    const sup = await t.userToken('supervisor', { officerCode: 'O1' });
    expect((await t.call('GET', '/api/v1/feedback/responses?officerCode=O1', { token: sup })).status).toBe(403);
    const all = (await (await t.call('GET', '/api/v1/feedback/responses', { token: sup })).json()) as { items: { officerCode: string }[] };
    expect(all.items.length).toBe(2);
    expect(all.items.every((i) => i.officerCode === 'O2')).toBe(true);
    // and their own averages follow the officer rule
    const own = (await (await t.call('GET', '/api/v1/feedback/summary?officerCode=O2&period=2026Q4', { token: sup })).json()) as Summary;
    expect(own.averages).not.toBeNull();
  });
});

describe('voiding', () => {
  it('lets a supervisor void a response with a reason, audited and excluded from the summary; never about themselves', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    await rate(t, w, 'O2', 5);
    const low = await invite(t, w, 'O2');
    expect((await postForm(t, low.token, { professionalism: '1', attitude: '1', efficiency: '1', integrity: '1' })).status).toBe(200);
    const [target] = await t.db.all<{ id: string }>(sql`select id from feedback_responses where mean = 1`);

    const sup = await t.userToken('supervisor', { officerCode: 'O1' });
    const supSelf = await t.userToken('supervisor', { officerCode: 'O2' });
    expect((await t.call('POST', `/api/v1/feedback/responses/${target!.id}/void`, { token: supSelf, json: { reason: 'my own' } })).status).toBe(403);
    expect((await t.call('POST', `/api/v1/feedback/responses/${target!.id}/void`, { token: w.hr, json: { reason: 'hr cannot' } })).status).toBe(403);
    expect((await t.call('POST', `/api/v1/feedback/responses/${target!.id}/void`, { token: sup, json: {} })).status).toBe(400);

    const before = (await (await t.call('GET', '/api/v1/feedback/summary?officerCode=O2&period=2026Q4', { token: w.hr })).json()) as Summary;
    expect(before.n).toBe(6);
    const res = await t.call('POST', `/api/v1/feedback/responses/${target!.id}/void`, { token: sup, json: { reason: 'Submitted by the officer’s relative (confirmed by phone).' } });
    expect(res.status).toBe(200);
    const out = (await res.json()) as { status: string; auditIndex: number };
    expect(out.status).toBe('voided');
    const [entry] = await t.db.all<{ action: string; entity_id: string; leaf: string }>(sql`select * from audit_entries where seq = ${out.auditIndex}`);
    expect(entry).toMatchObject({ action: 'feedback.void', entity_id: target!.id });
    expect(JSON.parse(entry!.leaf).payload.reason).toMatch(/relative/);

    const after = (await (await t.call('GET', '/api/v1/feedback/summary?officerCode=O2&period=2026Q4', { token: w.hr })).json()) as Summary;
    expect(after.n).toBe(5);
    expect(after.averages!.overall).toBe(4.25);
    expect((await t.call('POST', `/api/v1/feedback/responses/${target!.id}/void`, { token: sup, json: { reason: 'again please' } })).status).toBe(409);
    expect((await t.call('POST', `/api/v1/feedback/responses/fbr_nope/void`, { token: sup, json: { reason: 'nothing here' } })).status).toBe(404);
  });
});
