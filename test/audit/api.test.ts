import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { makeDb, makeTestApp } from '../support/app.js';
import { makeCheckpoint, parseCheckpoint, verifyCheckpoint } from '../../src/audit/checkpoint.js';
import { verifyLog } from '../../src/audit/verify.js';
import { appendEntries } from '../support/audit.js';
import { hashLeaf, hashToHex, hexToHash, verifyConsistency, verifyInclusion } from '../../src/audit/merkle.js';

type Checkpoint = { size: number; rootHash: string; timestamp: string; checkpoint: string };
type Key = { algorithm: string; publicKey: string; keyName: string; verifierKey: string };

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

describe('GET /api/v1/audit/key and /checkpoint', () => {
  it('publishes the key and a C2SP checkpoint that verifies with it', async () => {
    const t = await makeTestApp();
    await appendEntries(t.ctx(), 37);
    const key = (await (await t.call('GET', '/api/v1/audit/key')).json()) as Key;
    expect(key.algorithm).toBe('Ed25519');
    expect(b64(key.publicKey)).toEqual(t.deps.signer.publicKey);

    const res = await t.call('GET', '/api/v1/audit/checkpoint');
    expect(res.status).toBe(200);
    const cp = (await res.json()) as Checkpoint;
    const lines = cp.checkpoint.split('\n');
    // origin, size, base64 root, extension (time), blank, signature line, final newline
    expect(lines[0]).toBe(key.keyName);
    expect(Number(lines[1])).toBe(cp.size);
    expect(Buffer.from(lines[2]!, 'base64').toString('hex')).toBe(cp.rootHash);
    expect(lines[3]).toBe(`time ${cp.timestamp}`);
    expect(lines[4]).toBe('');
    expect(lines[5]).toMatch(new RegExp(`^\u2014 ${key.keyName.replace(/[/.]/g, '\\$&')} [A-Za-z0-9+/]+=*$`));
    expect(lines[6]).toBe('');
    expect(lines).toHaveLength(7);

    // C2SP signed note: key id = SHA-256(name || \n || 0x01 || key)[:4], then a 64-byte Ed25519 signature.
    const blob = b64(lines[5]!.split(' ')[2]!);
    const pub = b64(key.publicKey);
    const id = createHash('sha256').update(Buffer.concat([Buffer.from(`${key.keyName}\n`), Buffer.from([1]), Buffer.from(pub)])).digest().subarray(0, 4);
    expect(Buffer.from(blob.slice(0, 4))).toEqual(id);
    const body = new TextEncoder().encode(cp.checkpoint.slice(0, cp.checkpoint.indexOf('\n\n') + 1));
    expect(ed25519.verify(blob.slice(4), body, pub)).toBe(true);
    // ...and with node:crypto, independently of the library the service signs with.
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(pub)]);
    expect(nodeVerify(null, body, createPublicKey({ key: spki, format: 'der', type: 'spki' }), Buffer.from(blob.slice(4)))).toBe(true);
    expect(key.verifierKey).toBe(`${key.keyName}+${id.toString('hex')}+${Buffer.concat([Buffer.from([1]), Buffer.from(pub)]).toString('base64')}`);

    // A tampered body does not verify.
    const forged = new TextEncoder().encode(cp.checkpoint.slice(0, cp.checkpoint.indexOf('\n\n') + 1).replace(`\n${cp.size}\n`, `\n${cp.size + 1}\n`));
    expect(ed25519.verify(blob.slice(4), forged, pub)).toBe(false);

    const text = await t.call('GET', '/api/v1/audit/checkpoint', { headers: { accept: 'text/plain' } });
    expect(text.headers.get('content-type')).toContain('text/plain');
    expect(await text.text()).toBe(cp.checkpoint);
  });

  it('signs only when the log has grown, and every new checkpoint is consistent with the last', async () => {
    const t = await makeTestApp();
    await appendEntries(t.ctx(), 20);
    const a = (await (await t.call('GET', '/api/v1/audit/checkpoint')).json()) as Checkpoint;
    t.clock.advance(60_000);
    const same = (await (await t.call('GET', '/api/v1/audit/checkpoint')).json()) as Checkpoint;
    expect(same).toEqual(a);
    await appendEntries(t.ctx(), 45);
    const b = (await (await t.call('GET', '/api/v1/audit/checkpoint')).json()) as Checkpoint;
    expect(b.size).toBe(a.size + 45);
    expect(b.timestamp).not.toBe(a.timestamp);
    const proof = (await (await t.call('GET', `/api/v1/audit/proofs/consistency?from=${a.size}&to=${b.size}`)).json()) as { path: string[] };
    expect(verifyConsistency(a.size, b.size, hexToHash(a.rootHash), hexToHash(b.rootHash), proof.path.map(hexToHash))).toBe(true);
  });
});

describe('GET /api/v1/audit/entries', () => {
  it('needs admin or supervisor', async () => {
    const t = await makeTestApp();
    expect((await t.call('GET', '/api/v1/audit/entries')).status).toBe(401);
    for (const role of ['hr', 'intake'] as const) {
      expect((await t.call('GET', '/api/v1/audit/entries', { token: await t.userToken(role) })).status).toBe(403);
    }
    expect((await t.call('GET', '/api/v1/audit/entries', { token: await t.userToken('supervisor') })).status).toBe(200);
    expect((await t.call('GET', '/api/v1/audit/entries', { token: t.adminToken })).status).toBe(200);
  });

  it('returns [from, to) with the exact leaf bytes, at most 1000 per call', async () => {
    const t = await makeTestApp();
    const { indices } = await appendEntries(t.ctx(), 1200);
    const first = indices[0]!;
    const res = await t.call('GET', `/api/v1/audit/entries?from=${first}&to=${first + 3}`, { token: t.adminToken });
    const body = (await res.json()) as { from: number; to: number; entries: Array<{ seq: number; leaf: string; leafHash: string; payload: { zh: string }; action: string }> };
    expect(body.entries.map((e) => e.seq)).toEqual([first, first + 1, first + 2]);
    for (const e of body.entries) {
      expect(hashToHex(hashLeaf(b64(e.leaf)))).toBe(e.leafHash);
      expect(JSON.parse(Buffer.from(e.leaf, 'base64').toString('utf8')).action).toBe(e.action);
      expect(e.payload.zh).toBe('纳税人');
    }
    const big = (await (await t.call('GET', `/api/v1/audit/entries?from=0&to=5000`, { token: t.adminToken })).json()) as { to: number; entries: unknown[] };
    expect(big.entries).toHaveLength(1000);
    expect(big.to).toBe(1000);
    const bad = await t.call('GET', '/api/v1/audit/entries?from=-1', { token: t.adminToken });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('from');
  });
});

describe('proofs', () => {
  it('serves inclusion proofs that verify against the checkpoint, and names parameters beyond the log', async () => {
    const t = await makeTestApp();
    const { indices, leafHashes } = await appendEntries(t.ctx(), 77);
    const cp = (await (await t.call('GET', '/api/v1/audit/checkpoint')).json()) as Checkpoint;
    for (const k of [0, 13, 40, 76]) {
      const res = await t.call('GET', `/api/v1/audit/proofs/inclusion?index=${indices[k]}&size=${cp.size}`);
      const p = (await res.json()) as { index: number; size: number; leafHash: string; path: string[] };
      expect(p.leafHash).toBe(leafHashes[k]);
      expect(verifyInclusion(p.index, p.size, hexToHash(leafHashes[k]!), p.path.map(hexToHash), hexToHash(cp.rootHash))).toBe(true);
    }
    const beyond = await t.call('GET', `/api/v1/audit/proofs/inclusion?index=0&size=${cp.size + 1}`);
    expect(beyond.status).toBe(400);
    expect(((await beyond.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('size');
    const idx = await t.call('GET', `/api/v1/audit/proofs/inclusion?index=${cp.size}&size=${cp.size}`);
    expect(((await idx.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('index');
    const cons = await t.call('GET', `/api/v1/audit/proofs/consistency?from=1&to=${cp.size + 5}`);
    expect(cons.status).toBe(400);
    expect(((await cons.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('to');
    const order = await t.call('GET', `/api/v1/audit/proofs/consistency?from=5&to=4`);
    expect(((await order.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('from');
    const nonsense = await t.call('GET', `/api/v1/audit/proofs/inclusion?index=abc`);
    expect(nonsense.status).toBe(400);
  });
});

describe('receipts', () => {
  it('verifies a receipt from commit() on the API and the page, and refuses a wrong one', async () => {
    const t = await makeTestApp();
    const { indices, leafHashes } = await appendEntries(t.ctx(), 30);
    const i = indices[7]!;
    const h = leafHashes[7]!;
    const ok = (await (await t.call('GET', `/api/v1/audit/receipts/verify?index=${i}&hash=${h}`)).json()) as { included: boolean; checkpoint: Checkpoint };
    expect(ok.included).toBe(true);
    const wrong = (await (await t.call('GET', `/api/v1/audit/receipts/verify?index=${i}&hash=${leafHashes[8]}`)).json()) as { included: boolean; problem: string };
    expect(wrong.included).toBe(false);
    expect(wrong.problem).toBeTruthy();
    const far = (await (await t.call('GET', `/api/v1/audit/receipts/verify?index=99999&hash=${h}`)).json()) as { included: boolean };
    expect(far.included).toBe(false);
    expect((await t.call('GET', `/api/v1/audit/receipts/verify?index=1&hash=xyz`)).status).toBe(400);

    const page = await t.call('GET', `/verify?index=${i}&hash=${h}&lang=en`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-server-result="included"');
    expect(html).toContain('src="/assets/verify.js"');
    expect(html).not.toMatch(/<script>(?!<)/); // no inline script (CSP script-src 'self')
    const bad = await (await t.call('GET', `/verify?index=${i}&hash=${leafHashes[8]}`)).text();
    expect(bad).toContain('data-server-result="not-included"');
    const form = await t.call('GET', '/verify');
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="hash"');
    const js = await t.call('GET', '/assets/verify.js');
    expect(js.headers.get('content-type')).toContain('javascript');
  });
});

describe('GET /api/v1/audit/verify', () => {
  it('is admin only and reports a healthy log', async () => {
    const t = await makeTestApp();
    await appendEntries(t.ctx(), 50);
    await t.call('GET', '/api/v1/audit/checkpoint');
    await appendEntries(t.ctx(), 5);
    expect((await t.call('GET', '/api/v1/audit/verify', { token: await t.userToken('supervisor') })).status).toBe(403);
    const res = await t.call('GET', '/api/v1/audit/verify', { token: t.adminToken });
    const body = (await res.json()) as { ok: boolean; size: number; checkpoints: number; nodes: number };
    expect(body).toMatchObject({ ok: true, checkpoints: 1 });
    expect(body.nodes).toBeGreaterThan(0);
  });
});

describe('OpenAPI', () => {
  it('documents the audit routes', async () => {
    const t = await makeTestApp();
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as { paths: Record<string, unknown> };
    for (const p of ['key', 'checkpoint', 'entries', 'proofs/inclusion', 'proofs/consistency', 'verify', 'receipts/verify']) {
      expect(Object.keys(doc.paths)).toContain(`/api/v1/audit/${p}`);
    }
  });
});

describe('edge cases', () => {
  it('signs and verifies the empty log, then extends it', async () => {
    const { db, close } = await makeDb();
    const t = await makeTestApp();
    const deps = { db, clock: t.clock, signer: t.deps.signer, config: { logOrigin: 'test/empty', publicUrl: '', bureauName: '' } };
    const empty = await makeCheckpoint(deps);
    expect(empty).toMatchObject({ size: 0, rootHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
    expect(await verifyLog(db, t.deps.signer.publicKey)).toMatchObject({ ok: true, size: 0, checkpoints: 1 });
    await appendEntries({ ...t.ctx(), db }, 5);
    expect((await makeCheckpoint(deps)).size).toBe(5);
    expect(await verifyLog(db, t.deps.signer.publicKey, { origin: 'test/empty' })).toMatchObject({ ok: true, size: 5, checkpoints: 2 });
    close();
  });

  it('parses only well-formed signed checkpoints', async () => {
    const t = await makeTestApp();
    const cp = await makeCheckpoint(t.ctx());
    expect(verifyCheckpoint(cp.checkpoint, t.deps.signer.publicKey)?.size).toBe(cp.size);
    for (const bad of ['', 'x\n1\n', cp.checkpoint.replace('\n\n', '\n'), cp.checkpoint.replace(/\n$/, ''), cp.checkpoint.replace('\u2014', '-')]) {
      expect(verifyCheckpoint(bad, t.deps.signer.publicKey)).toBeNull();
    }
    expect(parseCheckpoint(cp.checkpoint)?.time).toBe(cp.timestamp);
  });
});
