/**
 * Issue 15 on Workers: complaints filed, tracked and analysed on D1, and the delivery job run from
 * the cron trigger, posting to a real local receiver that checks the signature (node:crypto).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Miniflare } from 'miniflare';
import { startReceiver, type Receiver } from '../support/delivery-receiver.js';
import { callInit, type CallOpts } from '../support/request.js';
import { ADMIN_TOKEN, eventually, migrate, SIGNING_KEY, startWorker } from './support.js';

const SECRET = 'workers-delivery-secret-0123456789';
let mf: Miniflare;
let receiver: Receiver;
let hr: string;
let intake: string;
/** The Worker's log lines: a cron run is over when its last job (idempotency-purge) has logged. */
let out = '';
const finishedRuns = () => out.split('\n').filter((l) => l.includes('"job":"idempotency-purge"')).length;

/**
 * Fires the cron trigger and waits for its run to end. With a Workflow bound (as deployed), the
 * trigger only starts an instance, so `scheduled` returns before the jobs have run.
 */
async function cron() {
  const before = finishedRuns();
  expect((await (await mf.getWorker()).scheduled({ cron: '*/15 * * * *' })).outcome).toBe('ok');
  await eventually(async () => (finishedRuns() > before ? true : undefined), "the cron's Workflow to finish its jobs");
}

const call = (method: string, path: string, o: CallOpts<string> = {}) => mf.dispatchFetch(`https://grading.test${path}`, callInit(method, o));

beforeAll(async () => {
  receiver = await startReceiver({ secret: SECRET });
  mf = await startWorker({ ADMIN_TOKEN, AUDIT_SIGNING_KEY: SIGNING_KEY, PUBLIC_URL: 'https://grading.test', DELIVERY_WEBHOOK_URL: receiver.url, DELIVERY_WEBHOOK_SECRET: SECRET }, { onStdout: (t) => (out += t) });
  await migrate(mf);
  const user = async (role: string, username: string) => {
    const res = await call('POST', '/api/v1/users', { token: ADMIN_TOKEN, json: { username, role } });
    expect(res.status).toBe(201);
    return ((await res.json()) as { token: string }).token;
  };
  hr = await user('hr', 'hr-c');
  intake = await user('intake', 'intake-c');
  await user('supervisor', 'sup-c');
  const today = new Date().toISOString().slice(0, 10);
  const res = await call('POST', '/api/v1/import', {
    token: hr,
    json: {
      units: [{ code: 'CU1', name: '城区分局', peerGroup: 'urban' }],
      officers: [{ code: 'CO1', name: 'CO1', unitCode: 'CU1', team: 'service', hireDate: '2015-01-01', positionStartDate: '2015-01-01' }],
      taxpayers: [{ code: 'CT1', name: 'CT1', category: 'general' }],
      assignments: [{ taxpayerCode: 'CT1', officerCode: 'CO1', from: today }],
    },
  });
  expect(res.status, await res.clone().text()).toBe(200);
});
afterAll(async () => {
  await mf?.dispose();
  await receiver?.stop();
});

describe('complaints and delivery on D1', () => {
  it('files a complaint with its flag, tracks it by receipt and counts it in the analysis', async () => {
    const receivedAt = new Date().toISOString();
    const res = await call('POST', '/api/v1/complaints', { token: intake, json: { channel: 'hotline_12366', category: 'attitude', text: '态度生硬', officerCode: 'CO1', receivedAt } });
    expect(res.status, await res.clone().text()).toBe(201);
    const { id, receipt, trackingUrl } = (await res.json()) as { id: string; receipt: string; trackingUrl: string };
    expect(trackingUrl).toBe(`https://grading.test/c/${receipt}`);
    const page = await call('GET', `/c/${receipt}`, { headers: { 'cf-connecting-ip': '192.0.2.1' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('已受理');
    expect((await call('GET', '/c/ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ', { headers: { 'cf-connecting-ip': '192.0.2.1' } })).status).toBe(404);
    const one = (await (await call('GET', `/api/v1/complaints/${id}`, { token: hr })).json()) as { flagId: string; unitCode: string };
    expect(one.flagId).toMatch(/^flg_/);
    expect(one.unitCode).toBe('CU1');
    const period = `${receivedAt.slice(0, 4)}Q${Math.floor((Number(receivedAt.slice(5, 7)) - 1) / 3) + 1}`;
    const summary = (await (await call('GET', `/api/v1/complaints/summary?period=${period}`, { token: hr })).json()) as { total: number; byUnit: Record<string, number> };
    expect(summary).toMatchObject({ total: 1, byUnit: { CU1: 1 } });
  });

  it('the cron trigger delivers an invitation, signed, to the gateway', async () => {
    const res = await call('POST', '/api/v1/invitations', {
      token: intake,
      json: { officerCode: 'CO1', taxpayerCode: 'CT1', interactionRef: 'w-1', delivery: { channel: 'sms', address: '+8613800138000' } },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { url } = (await res.json()) as { url: string };
    await cron();
    expect(receiver.refused).toEqual([]);
    expect(receiver.delivered).toHaveLength(1);
    expect(receiver.delivered[0]).toMatchObject({ kind: 'invitation', channel: 'sms', address: '+8613800138000', url });
    expect(receiver.delivered[0]!.text).toContain(url);
    // Sent once: the next run has nothing due (the reminders wait for day 3 and 7).
    await cron();
    expect(receiver.attempts).toHaveLength(1);
  });
});
