/**
 * Complaints from every channel (issue 15): channels and categories, the flag, what the audit log
 * may hold, receipts, and "about oneself".
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp } from '../support/app.js';
import { json } from '../support/oversight.js';
import { complaintWorld, fileVia, leaves } from '../support/complaints.js';
import { complaintCommitment } from '../../src/complaints/commitment.js';
import { normalizeReceipt, receiptHash } from '../../src/complaints/receipt.js';

const SECRET = '索要好处费 secret-complaint-text';

describe('filing a complaint', () => {
  it('records one from each channel with its category, unit taken from the officer, and a receipt', async () => {
    const t = await makeTestApp();
    const w = await complaintWorld(t);
    const made = [];
    for (const [channel, token] of [['hotline_12366', w.intake], ['service_hall', w.intake], ['letter', w.hr], ['web', w.sup.token]] as const) {
      const res = await fileVia(t, token, { channel, category: 'efficiency', officerCode: channel === 'web' ? undefined : 'O2', unitCode: channel === 'web' ? 'U1' : undefined });
      expect(res.status, await res.clone().text()).toBe(201);
      made.push(await json(res));
    }
    for (const m of made) {
      expect(m.receipt).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
      expect(m.trackingUrl).toBe(`http://localhost:8787/c/${m.receipt}`);
    }
    expect(new Set(made.map((m) => m.receipt)).size).toBe(4);
    const rows = await t.db.all<{ channel: string; category: string; unit_code: string; officer_code: string | null; receipt_hash: string; status: string; received_at: string }>(
      sql`select * from complaints order by channel`,
    );
    expect(rows.map((r) => [r.channel, r.category, r.officer_code, r.unit_code, r.status])).toEqual([
      ['hotline_12366', 'efficiency', 'O2', 'U2', 'received'],
      ['letter', 'efficiency', 'O2', 'U2', 'received'],
      ['service_hall', 'efficiency', 'O2', 'U2', 'received'],
      ['web', 'efficiency', null, 'U1', 'received'],
    ]);
    expect(rows[0]!.received_at).toBe('2026-10-12T00:00:00.000Z');
    // Only the hash of the receipt is stored.
    expect(rows.map((r) => r.receipt_hash).sort()).toEqual(made.map((m) => receiptHash(m.receipt)).sort());
  });

  it('refuses the form channel, unknown categories and codes, a time to come, and names each field', async () => {
    const t = await makeTestApp();
    const w = await complaintWorld(t);
    const bad = await json(await fileVia(t, w.intake, { channel: 'form', category: 'rudeness' }));
    expect(bad.errors.map((e: { path: string }) => e.path).sort()).toEqual(['category', 'channel']);
    const refs = await fileVia(t, w.intake, { officerCode: 'NOPE', unitCode: 'U9', taxpayerCode: 'TPX', receivedAt: '2026-10-16' });
    expect(refs.status).toBe(400);
    expect((await json(refs)).errors).toEqual([
      { path: 'officerCode', message: 'no officer NOPE' },
      { path: 'unitCode', message: 'no unit U9' },
      { path: 'taxpayerCode', message: 'no taxpayer TPX' },
      { path: 'receivedAt', message: 'in the future' },
    ]);
    const blank = await json(await fileVia(t, w.intake, { text: '  \r\n ', receivedAt: '2026-13-01' }));
    expect(blank.errors.map((e: { path: string }) => e.path).sort()).toEqual(['receivedAt', 'text']);
    expect((await fileVia(t, w.intake, { text: 'x'.repeat(2001) })).status).toBe(400);
    expect((await fileVia(t, w.intake, { text: '字'.repeat(2000) })).status).toBe(201);
    expect((await t.db.all<{ n: number }>(sql`select count(*) as n from complaints`))[0]!.n).toBe(1);
  });

  it('raises a complaint flag naming the category, keeps the text and the taxpayer out of the log, and commits to them', async () => {
    const t = await makeTestApp();
    const w = await complaintWorld(t);
    const res = await fileVia(t, w.intake, { category: 'integrity', text: SECRET, officerCode: 'O1', taxpayerCode: 'TP1', receivedAt: '2026-10-14T09:30:00+08:00' });
    expect(res.status).toBe(201);
    const { id } = await json(res);
    const [c] = await t.db.all<{ flag_id: string; commitment_nonce: string; received_at: string; unit_code: string }>(sql`select * from complaints where id = ${id}`);
    expect(c!.received_at).toBe('2026-10-14T01:30:00.000Z');
    const [f] = await t.db.all<{ rule: string; subject_code: string; evidence: string; status: string }>(sql`select * from flags where id = ${c!.flag_id}`);
    expect(f).toMatchObject({ rule: 'complaint', subject_code: 'O1', status: 'open' });
    expect(JSON.parse(f!.evidence)).toEqual({ complaintId: id, category: 'integrity', channel: 'hotline_12366', period: '2026Q4' });
    const log = await leaves(t);
    const mine = log.filter((l) => l.action === 'complaint.file' || l.action === 'flag.raise');
    expect(mine.map((l) => l.action)).toEqual(['complaint.file', 'flag.raise']);
    for (const l of log) {
      expect(l.leaf).not.toContain('索要');
      expect(l.leaf).not.toContain('secret-complaint-text');
      expect(l.leaf).not.toContain('TP1');
    }
    const payload = JSON.parse(mine[0]!.leaf).payload;
    expect(payload).toMatchObject({ channel: 'hotline_12366', category: 'integrity', period: '2026Q4', unitCode: 'U1', flagId: c!.flag_id });
    expect(payload.commitment).toBe(
      complaintCommitment({
        nonce: c!.commitment_nonce, id, channel: 'hotline_12366', category: 'integrity', officerCode: 'O1', unitCode: 'U1', taxpayerCode: 'TP1',
        responseId: null, sourceRef: null, receivedAt: '2026-10-14T01:30:00.000Z', text: SECRET,
      }),
    );
    // A different text does not match the commitment.
    expect(payload.commitment).not.toBe(
      complaintCommitment({
        nonce: c!.commitment_nonce, id, channel: 'hotline_12366', category: 'integrity', officerCode: 'O1', unitCode: 'U1', taxpayerCode: 'TP1',
        responseId: null, sourceRef: null, receivedAt: '2026-10-14T01:30:00.000Z', text: `${SECRET}.`,
      }),
    );
  });

  it('answers 409 for a source reference recorded before', async () => {
    const t = await makeTestApp();
    const w = await complaintWorld(t);
    expect((await fileVia(t, w.intake, { sourceRef: '12366-2026-0001' })).status).toBe(201);
    const again = await fileVia(t, w.intake, { sourceRef: '12366-2026-0001' });
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ code: 'complaint_already_recorded', errors: [{ path: 'sourceRef' }] });
  });
});

describe('about oneself', () => {
  it('refuses reading, listing, entering and working complaints about oneself (own_case), and leaves them out of lists', async () => {
    const t = await makeTestApp();
    const w = await complaintWorld(t);
    const { id } = await json(await fileVia(t, w.intake, { officerCode: 'O1', text: SECRET }));
    const other = await json(await fileVia(t, w.intake, { officerCode: 'O2' }));
    const read = await t.call('GET', `/api/v1/complaints/${id}`, { token: w.subject.token });
    expect(read.status).toBe(403);
    const body = await read.text();
    expect(body).toContain('own_case');
    expect(body).not.toContain('索要');
    expect((await t.call('GET', '/api/v1/complaints?officerCode=O1', { token: w.subject.token })).status).toBe(403);
    const list = await json(await t.call('GET', '/api/v1/complaints', { token: w.subject.token }));
    expect(list.items.map((x: { id: string }) => x.id)).toEqual([other.id]);
    expect((await t.call('POST', `/api/v1/complaints/${id}/transition`, { token: w.subject.token, json: { to: 'in_review' } })).status).toBe(403);
    const self = await fileVia(t, w.subject.token, { officerCode: 'O1' });
    expect(self.status).toBe(403);
    expect((await json(self)).code).toBe('own_case');
    // Others read it with its text.
    const seen = await json(await t.call('GET', `/api/v1/complaints/${id}`, { token: w.sup.token }));
    expect(seen).toMatchObject({ id, text: SECRET, officerCode: 'O1', status: 'received', outcome: null });
    expect(seen).not.toHaveProperty('receiptHash');
  });
});

describe('receipts', () => {
  it('are normalised from what people type', () => {
    expect(normalizeReceipt('k7qf 3m9x-oa2b hj4t ww8l')).toBe('K7QF-3M9X-0A2B-HJ4T-WW81');
    expect(normalizeReceipt('K7QF-3M9X-0A2B-HJ4T-WW8')).toBeNull();
    expect(normalizeReceipt('K7QF-3M9X-0A2B-HJ4T-WW8U')).toBeNull();
  });
});
