/**
 * Delivery through the outbox (issue 15): the signed webhook checked by a real local receiver,
 * retries with backoff, reminders after 3 and 7 days while unanswered, and the address erased
 * once done.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app.js';
import { goodForm, postForm, seedFeedbackWorld, type FeedbackWorld } from '../support/feedback.js';
import { startReceiver, type Receiver } from '../support/delivery-receiver.js';
import { deliveryCtx, runDelivery } from '../../src/delivery/job.js';
import { runScheduled } from '../../src/scheduled.js';
import { messageText } from '../../src/delivery/messages.js';
import { MAX_ATTEMPTS, SMS_CHARS_EN, SMS_CHARS_ZH } from '../../src/delivery/policy.js';
import { defaultConfig } from '../../src/core/config.js';
import { outboxCounts } from '../../src/delivery/outbox-report.js';

const SECRET = 'delivery-test-secret-0123456789';
const PHONE = '+8613800138000';
const DAY = 86_400_000;
const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
});

async function world(opts: { secret?: string } = {}) {
  // The receiver keeps the test's clock, as a gateway keeps real time.
  let t!: TestApp;
  const receiver = await startReceiver({ secret: opts.secret ?? SECRET, now: () => t.clock.now().getTime() });
  receivers.push(receiver);
  t = await makeTestApp({ config: { delivery: { webhookUrl: receiver.url, secret: SECRET } } });
  const w = await seedFeedbackWorld(t);
  return { t, w, receiver };
}

let refs = 0;
async function inviteWith(t: TestApp, w: FeedbackWorld, delivery: Record<string, unknown> = { channel: 'sms', address: '+86 138-0013-8000' }) {
  const res = await t.call('POST', '/api/v1/invitations', { token: w.intake, json: { officerCode: 'O2', taxpayerCode: 'T001', interactionRef: `dl-${++refs}`, delivery } });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; token: string; url: string };
}

const run = (t: TestApp) => runDelivery(deliveryCtx({ db: t.db, clock: t.clock, config: t.deps.config!, signer: t.deps.signer }));
const outbox = (t: TestApp, invitationId: string) =>
  t.db.all<{ kind: string; status: string; attempts: number; due_at: string; next_attempt_at: string; last_error: string | null }>(
    sql`select * from delivery_outbox where invitation_id = ${invitationId} order by due_at`,
  );
const target = async (t: TestApp, invitationId: string) =>
  (await t.db.all<{ sealed: string | null; erased_at: string | null; channel: string }>(sql`select * from delivery_targets where invitation_id = ${invitationId}`))[0]!;

describe('scheduling a delivery', () => {
  it('seals the address and the link, queues the invitation and two reminders, and logs no address', async () => {
    const { t, w } = await world();
    const inv = await inviteWith(t, w);
    const tg = await target(t, inv.id);
    expect(tg.channel).toBe('sms');
    expect(tg.sealed).toBeTruthy();
    const dump = JSON.stringify(await t.db.all(sql`select * from delivery_targets`)) + JSON.stringify(await t.db.all(sql`select * from delivery_outbox`));
    for (const secret of ['13800138000', inv.token]) expect(dump).not.toContain(secret);
    expect((await outbox(t, inv.id)).map((m) => [m.kind, m.status, m.due_at])).toEqual([
      ['invitation', 'pending', '2026-10-15T08:00:00.000Z'],
      ['reminder', 'pending', '2026-10-18T08:00:00.000Z'],
      ['reminder', 'pending', '2026-10-22T08:00:00.000Z'],
    ]);
    const leaves = await t.db.all<{ action: string; leaf: string }>(sql`select action, leaf from audit_entries order by seq`);
    expect(leaves.map((l) => l.action)).toContain('delivery.schedule');
    for (const l of leaves) {
      expect(l.leaf).not.toContain('13800138000');
      expect(l.leaf).not.toContain(inv.token);
    }
  });

  it('refuses a bad address (naming it) and a server without a gateway (422), writing nothing', async () => {
    const { t, w } = await world();
    const bad = await t.call('POST', '/api/v1/invitations', { token: w.intake, json: { officerCode: 'O2', taxpayerCode: 'T001', interactionRef: 'bad-1', delivery: { channel: 'email', address: 'not-mail' } } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['delivery.address']);
    const plain = await makeTestApp();
    const pw = await seedFeedbackWorld(plain);
    const none = await plain.call('POST', '/api/v1/invitations', { token: pw.intake, json: { officerCode: 'O2', taxpayerCode: 'T001', interactionRef: 'x-1', delivery: { channel: 'wechat', address: 'oABCDEF123456' } } });
    expect(none.status).toBe(422);
    expect(await none.json()).toMatchObject({ code: 'delivery_not_configured', errors: [{ path: 'delivery' }] });
    expect((await plain.db.all<{ n: number }>(sql`select count(*) as n from invitations`))[0]!.n).toBe(0);
  });
});

describe('the delivery job', () => {
  it('posts a signed message the receiver verifies, reminds on day 3 and 7 while unanswered, then erases the address', async () => {
    const { t, w, receiver } = await world();
    const answered = await inviteWith(t, w);
    const ignored = await inviteWith(t, w, { channel: 'email', address: 'taxpayer@example.cn', lang: 'en' });
    expect(await run(t)).toMatchObject({ configured: true, delivered: 2, retrying: 0, failed: 0 });
    expect(receiver.refused).toEqual([]);
    const first = receiver.delivered.find((m) => m.channel === 'sms')!;
    expect(first).toMatchObject({ kind: 'invitation', address: PHONE, lang: 'zh-CN', url: answered.url, attempt: 1 });
    expect(first.text).toBe(messageText('invitation', 'zh-CN', { bureau: defaultConfig.bureauName, url: answered.url }));
    expect(first.text.startsWith('【示范市税务局】')).toBe(true);
    const mail = receiver.delivered.find((m) => m.channel === 'email')!;
    expect(mail).toMatchObject({ address: 'taxpayer@example.cn', lang: 'en', url: ignored.url });
    expect(mail.text).toContain('please rate the service');

    t.clock.advance(3 * DAY - 60_000);
    expect((await run(t)).delivered).toBe(0);
    t.clock.advance(60_000);
    expect((await run(t)).delivered).toBe(2);
    expect(receiver.delivered.filter((m) => m.kind === 'reminder')).toHaveLength(2);
    expect(receiver.delivered.filter((m) => m.kind === 'reminder' && m.url === ignored.url)[0]!.text).toContain('reminder: you have not rated your recent visit yet');

    // One of them answers: its last reminder is cancelled at once and its address erased.
    expect((await postForm(t, answered.token, goodForm)).status).toBe(200);
    expect(await run(t)).toMatchObject({ delivered: 0, cancelled: 1, erased: 1 });
    expect(await target(t, answered.id)).toMatchObject({ sealed: null, erased_at: '2026-10-18T08:00:00.000Z' });
    expect((await outbox(t, answered.id)).map((m) => m.status)).toEqual(['delivered', 'delivered', 'cancelled']);
    expect((await target(t, ignored.id)).sealed).toBeTruthy();

    t.clock.advance(4 * DAY);
    expect(await run(t)).toMatchObject({ delivered: 1, erased: 1 });
    expect(receiver.delivered.map((m) => [m.kind, m.url])).toEqual([
      ['invitation', expect.any(String)],
      ['invitation', expect.any(String)],
      ['reminder', expect.any(String)],
      ['reminder', expect.any(String)],
      ['reminder', ignored.url],
    ]);
    expect(await target(t, ignored.id)).toMatchObject({ sealed: null, erased_at: '2026-10-22T08:00:00.000Z' });
    expect(receiver.duplicates).toEqual([]);
    // Nothing left to do, nothing logged.
    const size = (await t.db.all<{ n: number }>(sql`select count(*) as n from audit_entries`))[0]!.n;
    expect(await run(t)).toMatchObject({ delivered: 0, cancelled: 0, erased: 0 });
    expect((await t.db.all<{ n: number }>(sql`select count(*) as n from audit_entries`))[0]!.n).toBe(size);
    const actions = (await t.db.all<{ action: string; leaf: string }>(sql`select action, leaf from audit_entries where action like 'delivery.%'`));
    expect(actions.map((a) => a.action)).toEqual(['delivery.schedule', 'delivery.schedule', 'delivery.run', 'delivery.run', 'delivery.run', 'delivery.erase', 'delivery.run', 'delivery.erase']);
    for (const a of actions) expect(a.leaf).not.toMatch(/13800138000|example\.cn/);
    // What the response-rates page shows of the outbox.
    expect(await outboxCounts(t, '2026Q4')).toEqual([
      { kind: 'reminder', channel: 'email', pending: 0, delivered: 2, failed: 0, cancelled: 0 },
      { kind: 'reminder', channel: 'sms', pending: 0, delivered: 1, failed: 0, cancelled: 1 },
      { kind: 'invitation', channel: 'email', pending: 0, delivered: 1, failed: 0, cancelled: 0 },
      { kind: 'invitation', channel: 'sms', pending: 0, delivered: 1, failed: 0, cancelled: 0 },
    ]);
  });

  it('retries a failing gateway with backoff (5, 15 minutes...) and delivers once it answers', async () => {
    const { t, w, receiver } = await world();
    let fails = 2;
    receiver.respond = () => (fails-- > 0 ? 503 : 200);
    const inv = await inviteWith(t, w);
    expect(await run(t)).toMatchObject({ delivered: 0, retrying: 1 });
    let [m] = await outbox(t, inv.id);
    expect(m).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 503', next_attempt_at: '2026-10-15T08:05:00.000Z' });
    t.clock.advance(4 * 60_000);
    expect((await run(t)).retrying).toBe(0);
    t.clock.advance(60_000);
    expect((await run(t)).retrying).toBe(1);
    [m] = await outbox(t, inv.id);
    expect(m).toMatchObject({ attempts: 2, next_attempt_at: '2026-10-15T08:20:00.000Z' });
    t.clock.set('2026-10-15T08:20:00.000Z');
    expect((await run(t)).delivered).toBe(1);
    [m] = await outbox(t, inv.id);
    expect(m).toMatchObject({ status: 'delivered', attempts: 3, last_error: null });
    // Three signed attempts of one message, each with its own timestamp, all verified.
    expect(receiver.attempts.map((a) => [a.id, a.attempt])).toEqual([1, 2, 3].map((n) => [receiver.attempts[0]!.id, n]));
    expect(new Set(receiver.attempts.map((a) => a.timestamp)).size).toBe(3);
    expect(receiver.refused).toEqual([]);
  });

  it('gives a message up at once on a refusal, after MAX_ATTEMPTS when unreachable; either way the invitation is done and erased', async () => {
    const { t, w, receiver } = await world();
    receiver.respond = () => 400;
    const refused = await inviteWith(t, w);
    expect(await run(t)).toMatchObject({ failed: 1, cancelled: 2, erased: 1 });
    expect((await outbox(t, refused.id)).map((m) => [m.status, m.last_error])).toEqual([['failed', 'HTTP 400'], ['cancelled', null], ['cancelled', null]]);
    expect((await target(t, refused.id)).sealed).toBeNull();

    await receiver.stop();
    const unreachable = await inviteWith(t, w);
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      expect((await run(t)).retrying).toBe(1);
      t.clock.advance(12 * 3_600_000);
    }
    // 2.5 days on: the failure cancels both reminders.
    expect(await run(t)).toMatchObject({ failed: 1, cancelled: 2, erased: 1 });
    const [m] = await outbox(t, unreachable.id);
    expect(m).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, last_error: 'no connection' });
  });

  it('signs so that a wrong secret, a tampered body and a replay are refused by the receiver', async () => {
    const wrong = await world({ secret: 'not-the-secret-0123456789' });
    await inviteWith(wrong.t, wrong.w);
    expect((await run(wrong.t)).failed).toBe(1); // 401 is a refusal
    expect(wrong.receiver.refused).toEqual(['bad signature']);

    const { t, w, receiver } = await world();
    await inviteWith(t, w);
    await run(t);
    const sent = receiver.raw[0]!;
    const replay = (body: string) => fetch(receiver.url, { method: 'POST', headers: sent.headers, body });
    expect((await replay(sent.body.replace('"attempt":1', '"attempt":2'))).status).toBe(401);
    expect((await replay(sent.body)).status).toBe(200);
    expect(receiver.duplicates).toHaveLength(1);
    expect(receiver.delivered).toHaveLength(1);
    t.clock.advance(301_000);
    expect((await replay(sent.body)).status).toBe(401);
    expect(receiver.refused).toEqual(['bad signature', 'stale timestamp']);
  });

  it('runs from the scheduled jobs (the Node timer and the Worker cron call the same function)', async () => {
    const { t, w, receiver } = await world();
    await inviteWith(t, w);
    await runScheduled({ db: t.db, clock: t.clock, signer: t.deps.signer, config: t.deps.config! });
    expect(receiver.delivered).toHaveLength(1);
  });
});

describe('message texts', () => {
  it('fit one SMS without the link, in both languages', () => {
    for (const kind of ['invitation', 'reminder'] as const) {
      const zh = messageText(kind, 'zh-CN', { bureau: defaultConfig.bureauName, url: '' });
      const en = messageText(kind, 'en', { bureau: defaultConfig.bureauName, url: '' });
      expect([...zh].length, zh).toBeLessThanOrEqual(SMS_CHARS_ZH);
      expect([...en].length, en).toBeLessThanOrEqual(SMS_CHARS_EN);
      expect(zh).toMatch(/^【示范市税务局】/);
      expect(/[\u4e00-\u9fff]/.test(en)).toBe(/[\u4e00-\u9fff]/.test(defaultConfig.bureauName));
    }
  });
});
