import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp } from '../support/app.js';
import { goodForm, invite, postForm, seedFeedbackWorld } from '../support/feedback.js';
import { leafHash } from '../../src/audit/append.js';
import { toHex } from '../../src/core/ids.js';
import { submissionQueue, submitFeedback } from '../../src/feedback/submit.js';
import { responseCommitment } from '../../src/feedback/commitment.js';

const count = async (t: Awaited<ReturnType<typeof makeTestApp>>, table: string) =>
  (await t.db.all<{ n: number }>(sql.raw(`select count(*) as n from ${table}`)))[0]!.n;

describe('the form', () => {
  it('is zh-CN by default, English by ?lang=en or Accept-Language, accessible radio groups, honeypot hidden', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const inv = await invite(t, w);
    const zh = await (await t.call('GET', `/f/${inv.token}`)).text();
    expect(zh).toContain('<html lang="zh-CN"');
    expect(zh).toContain('专业');
    expect(zh).toContain('廉洁');
    expect(zh.match(/<fieldset/g)).toHaveLength(4);
    expect(zh.match(/<legend>/g)).toHaveLength(4);
    expect(zh.match(/type="radio"/g)).toHaveLength(20);
    expect(zh).toMatch(/<input type="radio" id="professionalism-1" name="professionalism" value="1" required/);
    expect(zh).toMatch(/<label for="professionalism-1">/);
    expect(zh).toMatch(/<div class="hp" aria-hidden="true">[\s\S]*name="website" tabindex="-1"/);
    expect(zh).toContain('税务员1');
    expect(zh).not.toContain('<script');
    const en = await (await t.call('GET', `/f/${inv.token}?lang=en`)).text();
    expect(en).toContain('<html lang="en"');
    expect(en).toContain('Professionalism');
    const al = await (await t.call('GET', `/f/${inv.token}`, { headers: { 'accept-language': 'en-US,en;q=0.9' } })).text();
    expect(al).toContain('<html lang="en"');
  });

  it('accepts one submission, returns the audit receipt, and refuses the token afterwards (410)', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const inv = await invite(t, w);
    const res = await postForm(t, inv.token, goodForm);
    const html = await res.text();
    expect(res.status, html).toBe(200);
    const index = Number(/id="receipt-index">(\d+)</.exec(html)![1]);
    const hash = /id="receipt-hash">([0-9a-f]{64})</.exec(html)![1]!;
    expect(html).toContain(`/verify?index=${index}&amp;hash=${hash}`);
    const [entry] = await t.db.all<{ seq: number; leaf: string; leaf_hash: string; action: string }>(sql`select * from audit_entries where seq = ${index}`);
    expect(entry!.action).toBe('feedback.submit');
    expect(entry!.leaf_hash).toBe(hash);
    expect(toHex(await leafHash(entry!.leaf))).toBe(hash);
    expect(entry!.leaf).not.toContain('很好'); // the comment is committed by hash only
    const [row] = await t.db.all<{ audit_index: number; mean: number; comment: string; period: string; invitation_id: string; officer_code: string; commitment_nonce: string; professionalism: number; attitude: number; efficiency: number; integrity: number }>(sql`select * from feedback_responses`);
    expect(row).toMatchObject({ audit_index: index, mean: 4.25, comment: '很好', period: '2026Q4' });
    // The leaf names neither the officer nor the ratings (a graded supervisor reads the log), but
    // commits to both: the stored row, with its nonce, recomputes the leaf's commitment.
    const payload = (JSON.parse(entry!.leaf) as { payload: Record<string, unknown> }).payload;
    expect(Object.keys(payload).sort()).toEqual(['commitment', 'period']);
    expect(entry!.leaf).not.toContain(row!.officer_code);
    const recomputed = responseCommitment({
      nonce: row!.commitment_nonce,
      invitationId: row!.invitation_id,
      officerCode: row!.officer_code,
      ratings: { professionalism: row!.professionalism, attitude: row!.attitude, efficiency: row!.efficiency, integrity: row!.integrity },
      comment: row!.comment,
      complaint: null,
    });
    expect(payload.commitment).toBe(recomputed);
    expect(responseCommitment({ nonce: row!.commitment_nonce, invitationId: row!.invitation_id, officerCode: row!.officer_code, ratings: { professionalism: 1, attitude: 1, efficiency: 1, integrity: 1 }, comment: row!.comment, complaint: null })).not.toBe(recomputed);

    const again = await postForm(t, inv.token, goodForm);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('此评价链接已使用');
    const form = await t.call('GET', `/f/${inv.token}?lang=en`);
    expect(form.status).toBe(410);
    expect(await form.text()).toContain('already been used');
    expect(await count(t, 'feedback_responses')).toBe(1);
  });

  it('answers unknown tokens 404 and expired ones 410 with friendly pages, never a stack trace', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const inv = await invite(t, w);
    const unknown = await t.call('GET', `/f/${'A'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('text/html');
    expect(await unknown.text()).toContain('找不到此评价链接');
    const garbage = await postForm(t, '..%2F..%2Fetc', goodForm);
    expect(garbage.status).toBe(404);
    t.clock.advance(30 * 86_400_000 + 1);
    const expired = await t.call('GET', `/f/${inv.token}`);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('已过期');
    const post = await postForm(t, inv.token, goodForm);
    expect(post.status).toBe(410);
    expect(await count(t, 'feedback_responses')).toBe(0);
  });

  it('re-renders the form with 400 naming missing or out-of-range ratings and a long comment', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const inv = await invite(t, w);
    const res = await postForm(t, inv.token, { professionalism: '6', attitude: '0', efficiency: 'x', comment: '长'.repeat(1001) }, { 'accept-language': 'en' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    for (const f of ['professionalism', 'attitude', 'efficiency', 'integrity']) expect(html).toContain(`href="#${f}-1"`);
    expect(html).toContain('href="#comment"');
    expect(html).toMatch(/id="professionalism-group" aria-describedby="professionalism-hint professionalism-error" aria-invalid="true"/);
    // Free-text boxes point at their error (and the complaint box at its hint) for screen readers.
    expect(html).toMatch(/<textarea id="comment" name="comment" maxlength="1000" aria-describedby="comment-error" aria-invalid="true">/);
    expect(html).toMatch(/<textarea id="complaint" name="complaint" maxlength="\d+" aria-describedby="complaint-hint">/);
    // what the taxpayer typed is kept
    expect(html).toContain('长'.repeat(50));
    const checkedEmpty = await postForm(t, inv.token, { ...goodForm, fileComplaint: '1', complaint: '  ' });
    expect(checkedEmpty.status).toBe(400);
    const checkedEmptyHtml = await checkedEmpty.text();
    expect(checkedEmptyHtml).toContain('href="#complaint"');
    expect(checkedEmptyHtml).toMatch(/<p class="error field-error" id="complaint-error">[^<]+<\/p><textarea id="complaint" name="complaint" maxlength="\d+" aria-describedby="complaint-hint complaint-error" aria-invalid="true">/);
    expect(await count(t, 'feedback_responses')).toBe(0);
    // a comment of exactly 1000 characters (CRLF counted once) is fine
    const ok = await postForm(t, inv.token, { ...goodForm, comment: 'a\r\n'.repeat(500) });
    expect(ok.status).toBe(200);
  });

  it('pretends success to a bot that fills the honeypot, stores nothing and leaves the token usable', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const inv = await invite(t, w);
    const bot = await postForm(t, inv.token, { ...goodForm, website: 'http://spam.example' });
    expect(bot.status).toBe(200);
    const html = await bot.text();
    expect(html).toContain('感谢您的评价');
    expect(html).not.toContain('receipt-index');
    expect(await count(t, 'feedback_responses')).toBe(0);
    expect((await postForm(t, inv.token, goodForm)).status).toBe(200);
  });

  it('accepts exactly one of two simultaneous submissions of one token', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    for (let round = 0; round < 5; round++) {
      const inv = await invite(t, w);
      const [a, b] = await Promise.all([postForm(t, inv.token, goodForm), postForm(t, inv.token, { ...goodForm, attitude: '1' })]);
      expect([a.status, b.status].sort()).toEqual([200, 410]);
    }
    // and when one of the two carries a complaint (a batch of its own)
    const inv = await invite(t, w);
    const [a, b] = await Promise.all([postForm(t, inv.token, goodForm), postForm(t, inv.token, { ...goodForm, complaint: '索要好处' })]);
    expect([a.status, b.status].sort()).toEqual([200, 410]);
    expect(await count(t, 'feedback_responses')).toBe(6);
    const seqs = await t.db.all<{ seq: number }>(sql`select seq from audit_entries order by seq`);
    expect(seqs.map((s) => s.seq)).toEqual(seqs.map((_, i) => i));
  });

  it('commits 50 concurrent submissions together: all accepted, gap-free audit, unique receipts', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t, { officers: 5, taxpayers: 50 });
    const invs: Awaited<ReturnType<typeof invite>>[] = [];
    for (let i = 0; i < 50; i++) invs.push(await invite(t, w, w.officers[i % 5], w.taxpayers[i]));
    const before = await count(t, 'audit_entries');
    const stats = submissionQueue(t.db).stats;
    const groupsBefore = stats.groups;
    const pages = await Promise.all(invs.map((inv, i) => postForm(t, inv.token, { ...goodForm, efficiency: String((i % 5) + 1) })));
    const texts = await Promise.all(pages.map((p) => p.text()));
    expect(pages.map((p) => p.status)).toEqual(pages.map(() => 200));
    const receipts = texts.map((h) => Number(/id="receipt-index">(\d+)</.exec(h)![1]));
    expect(new Set(receipts).size).toBe(50);
    // each page carries its own receipt (the page is rendered from a cached template)
    const leaves = new Map((await t.db.all<{ seq: number; leaf_hash: string }>(sql`select seq, leaf_hash from audit_entries`)).map((r) => [r.seq, r.leaf_hash]));
    texts.forEach((h, i) => {
      const hash = /id="receipt-hash">([0-9a-f]{64})</.exec(h)![1];
      expect(hash).toBe(leaves.get(receipts[i]!));
      expect(h).toContain(`/verify?index=${receipts[i]}&amp;hash=${hash}`);
      expect(h).toContain(encodeURIComponent(`/f/${invs[i]!.token}`));
    });
    expect(await count(t, 'feedback_responses')).toBe(50);
    const seqs = await t.db.all<{ seq: number }>(sql`select seq from audit_entries order by seq`);
    expect(seqs.map((s) => s.seq)).toEqual(seqs.map((_, i) => i));
    expect(seqs.length).toBe(before + 50);
    // every response points at its own audit entry
    const linked = await t.db.all<{ n: number }>(sql`
      select count(*) as n from feedback_responses r join audit_entries a
      on a.seq = r.audit_index and a.entity = 'feedback_response' and a.entity_id = r.id`);
    expect(linked[0]!.n).toBe(50);
    const used = await t.db.all<{ n: number }>(sql`select count(*) as n from invitations where used_at is not null`);
    expect(used[0]!.n).toBe(50);
    // ...and they really were grouped: far fewer batches than submissions
    expect(stats.maxItems).toBeGreaterThan(1);
    expect(stats.groups - groupsBefore).toBeLessThan(50);
  });

  it('turns a complaint into a complaint record and a complaint flag for supervisors', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const inv = await invite(t, w, 'O2');
    const res = await postForm(t, inv.token, { ...goodForm, integrity: '1', fileComplaint: '1', complaint: '办事时暗示要好处' });
    const html = await res.text();
    expect(res.status, html).toBe(200);
    const index = Number(/id="receipt-index">(\d+)</.exec(html)![1]);
    const [c] = await t.db.all<{ officer_code: string; text: string; flag_id: string; response_id: string }>(sql`select * from complaints`);
    expect(c).toMatchObject({ officer_code: 'O2', text: '办事时暗示要好处' });
    const [f] = await t.db.all<{ id: string; rule: string; subject_code: string; status: string }>(sql`select * from flags`);
    expect(f).toMatchObject({ id: c!.flag_id, rule: 'complaint', subject_code: 'O2', status: 'open' });
    const [r] = await t.db.all<{ id: string; audit_index: number; complaint: string }>(sql`select * from feedback_responses`);
    expect(r).toMatchObject({ id: c!.response_id, audit_index: index, complaint: '办事时暗示要好处' });
    const actions = await t.db.all<{ action: string }>(sql`select action from audit_entries where seq >= ${index} order by seq`);
    expect(actions.map((a) => a.action)).toEqual(['feedback.submit', 'complaint.file', 'flag.raise']);
    // The complaint went through the one complaint write path: a form complaint in the officer's
    // unit, with a receipt shown once on this page that the complainant follows at /c/{receipt}.
    const [rec] = await t.db.all<{ channel: string; unit_code: string | null; receipt_hash: string | null }>(sql`select channel, unit_code, receipt_hash from complaints`);
    expect(rec).toMatchObject({ channel: 'form', receipt_hash: expect.any(String) });
    expect(rec!.unit_code).not.toBeNull();
    const receipt = /id="complaint-receipt">([^<]+)</.exec(html)![1]!;
    expect(html).toContain(`href="/c/${receipt}"`);
    const tracked = await t.call('GET', `/c/${receipt}`);
    expect(tracked.status).toBe(200);
    expect(await tracked.text()).not.toContain('办事时暗示要好处');
  });
});

describe('a complaint that loses its token to the clock or to another submission', () => {
  it('is refused by the write itself (410), storing no response, complaint, flag or leaf', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const inv = await invite(t, w, 'O2');
    const before = await count(t, 'audit_entries');
    // The look-up sees a usable token (the clock's first reading); by the write it has expired.
    const t0 = t.clock.now().getTime();
    let readings = 0;
    const clock = { now: () => new Date(readings++ === 0 ? t0 : t0 + 31 * 86_400_000) };
    const err = await submitFeedback({
      ctx: { ...t.ctx(), clock },
      input: { token: inv.token, address: '127.0.0.1', form: { ...goodForm, complaint: '索要好处' } },
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ status: 410, code: 'invitation_expired' });
    for (const table of ['feedback_responses', 'complaints', 'flags']) expect(await count(t, table)).toBe(0);
    expect(await count(t, 'audit_entries')).toBe(before);
  });
});

describe('the form body', () => {
  it('refuses a body far beyond the form with a friendly 413, storing nothing', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const inv = await invite(t, w);
    const res = await postForm(t, inv.token, { ...goodForm, comment: 'x'.repeat(200_000) });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('提交内容过长');
    expect((await postForm(t, inv.token, goodForm)).status).toBe(200);
  });
});
