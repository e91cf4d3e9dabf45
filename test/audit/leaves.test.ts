/**
 * Leaves hold commitments, not personal data (DESIGN 5, "What a leaf may hold"): complaint text,
 * taxpayer identity in invitations, imports, decisions and flags, single responses. Each leaf's
 * commitment opens with the record and the nonce kept beside it (here through the public
 * verifier, POST /api/v1/audit/commitments/verify), and with anything else it does not.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedFeedbackWorld, invite, postForm, goodForm } from '../support/feedback.js';
import { canonicalRows } from '../../src/imports/write.js';
import { sha256Hex } from '../../src/core/ids.js';
import { commitmentOf, commitmentsIn } from '../../src/audit/commitment.js';
import { verifyLog } from '../../src/audit/verify.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function leaves(t: TestApp, action?: string): Promise<{ seq: number; leaf: string; payload: Json }[]> {
  const rows = await t.db.all<{ seq: number; leaf: string }>(action ? sql`select seq, leaf from audit_entries where action = ${action} order by seq` : sql`select seq, leaf from audit_entries order by seq`);
  return rows.map((r) => ({ seq: Number(r.seq), leaf: r.leaf, payload: JSON.parse(r.leaf).payload as Json }));
}

/** The public verifier: does `record` with `nonce` open one of leaf `index`'s commitments? */
async function opens(t: TestApp, index: number, record: Json, nonce: string | null) {
  const res = await t.call('POST', '/api/v1/audit/commitments/verify', { json: { index, record, nonce: nonce ?? 'no-nonce' } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { matches: boolean; field: string | null };
}

describe('leaves hold commitments', () => {
  it('a complaint: the text is in no leaf and no flag evidence; its commitment opens with the record and nonce only', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const inv = await invite(t, w, 'O2', 'T003');
    const text = '窗口人员暗示“意思一下”才给办理 unique-complaint-7f3a';
    const res = await postForm(t, inv.token, { ...goodForm, comment: 'comment-9b2e 很慢', fileComplaint: '1', complaint: text });
    expect(res.status).toBe(200);
    for (const l of await leaves(t)) {
      expect(l.leaf).not.toContain('unique-complaint-7f3a');
      expect(l.leaf).not.toContain('comment-9b2e');
      expect(l.leaf).not.toContain('T003');
    }
    const [flag] = await t.db.all<{ evidence: string; id: string }>(sql`select id, evidence from flags where rule = 'complaint'`);
    expect(flag!.evidence).not.toContain('unique-complaint-7f3a');
    expect(JSON.parse(flag!.evidence)).toEqual({ complaintId: expect.any(String), category: 'other', channel: 'form', period: '2026Q4' });

    const [c] = await t.db.all<{ id: string; response_id: string; unit_code: string; received_at: string; text: string; commitment_nonce: string }>(sql`select * from complaints`);
    const [filed] = await leaves(t, 'complaint.file');
    expect(filed!.payload).toEqual({ channel: 'form', category: 'other', period: '2026Q4', unitCode: c!.unit_code, commitment: expect.stringMatching(/^[0-9a-f]{64}$/), flagId: flag!.id });
    const record = { id: c!.id, channel: 'form', category: 'other', officerCode: 'O2', unitCode: c!.unit_code, taxpayerCode: null, responseId: c!.response_id, sourceRef: null, receivedAt: c!.received_at, text };
    expect(await opens(t, filed!.seq, record, c!.commitment_nonce)).toEqual(expect.objectContaining({ matches: true, field: 'commitment' }));
    // Without the nonce, or with a guess at the text, nothing opens.
    expect((await opens(t, filed!.seq, record, 'guess')).matches).toBe(false);
    expect((await opens(t, filed!.seq, { ...record, text: '办理时索要好处费。' }, c!.commitment_nonce)).matches).toBe(false);

    // The reviewer reads the text from the complaint record on the flag's page.
    const { signIn, pageRequest } = await import('../support/pages.js');
    const sup = await signIn(t, await t.userToken('supervisor', { officerCode: 'O3' }));
    const page = await (await pageRequest(t, 'GET', `/flags/${flag!.id}`, { session: sup })).text();
    expect(page).toContain('data-testid="complaint-text"');
    expect(page).toContain('unique-complaint-7f3a');
  });

  it('an invitation and a decision name no taxpayer; their commitments open with the row nonce', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    await t.db.run(sql`update taxpayers set category = 'individual', name = '城东区张伟便利店' where code = 'T005'`);
    const inv = await t.call('POST', '/api/v1/invitations', { token: w.intake, json: { officerCode: 'O1', taxpayerCode: 'T005', interactionRef: 'HALL-20261015-0007' } });
    expect(inv.status).toBe(201);
    const officer = await t.userToken('officer', { officerCode: 'O1' });
    const dec = await t.call('POST', '/api/v1/decisions', { token: officer, json: { type: 'deferral', taxpayerCode: 'T005', justification: 'Cash-flow problem after the flood', decidedAt: '2026-10-01' } });
    expect(dec.status, await dec.clone().text()).toBe(201);
    const { id: decisionId, auditIndex } = (await dec.json()) as { id: string; auditIndex: number };

    for (const l of await leaves(t)) for (const s of ['T005', '张伟', 'HALL-20261015-0007']) expect(l.leaf).not.toContain(s);
    const [issued] = await leaves(t, 'invitation.issue');
    const [i] = await t.db.all<{ commitment_nonce: string }>(sql`select commitment_nonce from invitations`);
    expect(await opens(t, issued!.seq, { taxpayerCode: 'T005', interactionRef: 'HALL-20261015-0007' }, i!.commitment_nonce)).toMatchObject({ matches: true, field: 'taxpayer' });
    expect((await opens(t, issued!.seq, { taxpayerCode: 'T004', interactionRef: 'HALL-20261015-0007' }, i!.commitment_nonce)).matches).toBe(false);
    const [d] = await t.db.all<{ taxpayer_nonce: string }>(sql`select taxpayer_nonce from decisions where id = ${decisionId}`);
    expect(await opens(t, auditIndex, { taxpayerCode: 'T005' }, d!.taxpayer_nonce)).toMatchObject({ matches: true, field: 'taxpayer' });
    // The API never hands out the salt.
    const got = await (await t.call('GET', `/api/v1/decisions/${decisionId}`, { token: officer })).json();
    expect(JSON.stringify(got)).not.toContain(d!.taxpayer_nonce);
    expect(got).toMatchObject({ taxpayerCode: 'T005' });
  });

  it('an import of taxpayers or assignments holds neither rows nor a plain digest, only a salted commitment', async () => {
    const t = await makeTestApp();
    const hr = await t.userToken('hr');
    const input = {
      units: [{ code: 'U1', name: '城东分局', peerGroup: 'urban' }],
      officers: [{ code: 'O1', name: '王芳', unitCode: 'U1', team: 'service', hireDate: '2015-01-01', positionStartDate: '2018-01-01' }],
      taxpayers: [{ code: '92110101MA00001X', name: '城东区李娜小吃店', category: 'individual' }],
      assignments: [{ taxpayerCode: '92110101MA00001X', officerCode: 'O1', from: '2025-01-01' }],
    };
    const res = await t.call('POST', '/api/v1/import', { token: hr, json: input });
    expect(res.status, await res.clone().text()).toBe(200);
    for (const l of await leaves(t)) for (const s of ['92110101MA00001X', '李娜']) expect(l.leaf).not.toContain(s);
    const [tp] = await leaves(t, 'import.taxpayers');
    expect(Object.keys(tp!.payload).sort()).toEqual(['commitment', 'count', 'kind', 'source']);
    const nonces = new Map((await t.db.all<{ kind: string; nonce: string }>(sql`select kind, nonce from import_commitments`)).map((r) => [r.kind, r.nonce]));
    for (const kind of ['taxpayers', 'assignments'] as const) {
      const [l] = await leaves(t, `import.${kind}`);
      const fields = kind === 'taxpayers' ? ['code', 'name', 'category'] : ['taxpayerCode', 'officerCode', 'from', 'to'];
      const rowsSha256 = await sha256Hex(canonicalRows(input[kind] as Json[], fields));
      expect(await opens(t, l!.seq, { kind, rowsSha256 }, nonces.get(kind)!)).toMatchObject({ matches: true, field: 'commitment' });
    }
    // Staff master data is not a taxpayer's: it stays readable in the log.
    const [o] = await leaves(t, 'import.officers');
    expect(o!.payload.rows).toEqual(input.officers);
  });

  it('a flag naming taxpayers (rotation due) commits to them; its figures stay readable', async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    const { officer, assign } = await import('../support/oversight.js');
    await officer(t, 'O9');
    await assign(t, 'TP-ROT-1', 'O9', '2021-01-01');
    await assign(t, 'TP-ROT-2', 'O9', '2022-03-01');
    const sup = await t.userToken('supervisor');
    expect((await t.call('POST', '/api/v1/flags/scan', { token: sup })).status).toBe(200);
    const [raised] = (await leaves(t, 'flag.raise')).filter((l) => l.payload.rule === 'rotation_due');
    expect(raised!.leaf).not.toContain('TP-ROT-');
    expect(raised!.payload.evidence).toMatchObject({ officerCode: 'O9', taxpayersDue: 2, personal: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const [f] = await t.db.all<{ evidence: string; evidence_nonce: string }>(sql`select evidence, evidence_nonce from flags where rule = 'rotation_due'`);
    const ev = JSON.parse(f!.evidence) as Json;
    expect(JSON.stringify(ev.taxpayers)).toContain('TP-ROT-1');
    expect(await opens(t, raised!.seq, { evidence: { taxpayers: ev.taxpayers, itemKeys: ev.itemKeys } }, f!.evidence_nonce)).toMatchObject({ matches: true, field: 'evidence.personal' });
  });

  it('the verifier refuses what is not a record, and a log with commitments verifies as before', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    await invite(t, w);
    expect((await t.call('POST', '/api/v1/audit/commitments/verify', { json: { index: 10_000, record: {}, nonce: 'x' } })).status).toBe(404);
    const bad = await t.call('POST', '/api/v1/audit/commitments/verify', { json: { index: 0, record: { nonce: 'x' }, nonce: 'x' } });
    expect(bad.status).toBe(400);
    expect(commitmentsIn({ taxpayer: 'a'.repeat(64), drawn: { O1: 'b'.repeat(64) }, other: 'c'.repeat(64) })).toEqual([
      ['taxpayer', 'a'.repeat(64)],
      ['drawn.O1', 'b'.repeat(64)],
    ]);
    expect(() => commitmentOf({ nonce: 'inside' }, 'n')).toThrow();
    expect((await verifyLog(t.db, t.deps.signer.publicKey)).ok).toBe(true);
  });
});
