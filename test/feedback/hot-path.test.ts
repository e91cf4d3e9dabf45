/**
 * The form's body limit (API.md: 16 KiB for the taxpayer form, enforced before anything reads the
 * body, larger is 413) and hono/jsx without async hooks (src/feedback/hot-path.tsx).
 */
import { executionAsyncResource } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app.js';
import { goodForm, invite, seedFeedbackWorld } from '../support/feedback.js';
import { FORM_MAX_BYTES } from '../../src/feedback/hot-path.js';
import { COMMENT_MAX } from '../../src/feedback/policy.js';
import { COMPLAINT_TEXT_MAX as COMPLAINT_MAX } from '../../src/complaints/policy.js';

const responses = async (t: TestApp) => (await t.db.all<{ n: number }>(sql`select count(*) as n from feedback_responses`))[0]!.n;

/** A body sent without Content-Length (chunked on the wire), in pieces of 1 KiB. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, (at += 1024)));
    },
  });
}

describe('the form body limit', () => {
  it('refuses a chunked body over 16 KiB with the friendly 413 page, storing nothing', async () => {
    const t = await makeTestApp();
    const inv = await invite(t, await seedFeedbackWorld(t));
    const body = new URLSearchParams({ ...goodForm, comment: 'x'.repeat(FORM_MAX_BYTES) }).toString();
    const req = new Request(`http://localhost/f/${inv.token}`, {
      method: 'POST',
      body: chunked(body),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
      duplex: 'half',
    } as RequestInit);
    expect(req.headers.get('content-length')).toBeNull();
    const res = await t.app.request(req);
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('提交内容过长');
    expect(await responses(t)).toBe(0);
  });

  it('refuses a Content-Length over 16 KiB with the friendly 413 page, storing nothing', async () => {
    const t = await makeTestApp();
    const inv = await invite(t, await seedFeedbackWorld(t));
    const body = new URLSearchParams({ ...goodForm, comment: 'x'.repeat(FORM_MAX_BYTES) }).toString();
    const res = await t.call('POST', `/f/${inv.token}?lang=en`, {
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length), origin: 'http://localhost' },
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('<html lang="en"');
    expect(await responses(t)).toBe(0);
    // the token is still usable
    const ok = await t.call('POST', `/f/${inv.token}`, { body: new URLSearchParams(goodForm).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' } });
    expect(ok.status).toBe(200);
  });

  it('accepts the longest legitimate form, as the page posts it (multipart, 4-byte characters, CRLF lines)', async () => {
    const t = await makeTestApp();
    const inv = await invite(t, await seedFeedbackWorld(t));
    const page = await (await t.call('GET', `/f/${inv.token}`)).text();
    expect(page).toContain('enctype="multipart/form-data"');
    // Characters as the form counts them (code points, a CRLF as one): the widest in UTF-8 (4 bytes),
    // with a line break every 50 (posted as CRLF).
    const text = (n: number) => Array.from({ length: n }, (_, i) => (i % 50 === 25 ? '\r\n' : '𠀋')).join('');
    const form = new FormData();
    form.set('lang', 'zh-CN');
    for (const [k, v] of Object.entries({ ...goodForm, comment: text(COMMENT_MAX), fileComplaint: '1', complaint: text(COMPLAINT_MAX), website: '' })) form.set(k, v);
    const req = new Request(`http://localhost/f/${inv.token}`, { method: 'POST', body: form, headers: { origin: 'http://localhost' } });
    const size = (await req.clone().arrayBuffer()).byteLength;
    expect(size).toBeGreaterThan(12_000);
    expect(size).toBeLessThanOrEqual(FORM_MAX_BYTES);
    const res = await t.app.request(req);
    expect(res.status, await res.clone().text()).toBe(200);
    const [row] = await t.db.all<{ comment: string; complaint: string }>(sql`select comment, complaint from feedback_responses`);
    expect([...row!.comment]).toHaveLength(COMMENT_MAX);
    expect([...row!.complaint]).toHaveLength(COMPLAINT_MAX);
  });
});

describe('hono/jsx without async hooks', () => {
  it('leaves promises without async-hook bookkeeping after a page has rendered', async () => {
    const t = await makeTestApp();
    const inv = await invite(t, await seedFeedbackWorld(t));
    const page = await t.call('GET', `/f/${inv.token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<fieldset');
    // With an AsyncLocalStorage enabled, every promise resource carries its store (kResourceStore).
    const marks = await (async () => {
      await null;
      return Object.getOwnPropertySymbols(executionAsyncResource()).map(String);
    })();
    expect(marks).not.toContain('Symbol(kResourceStore)');
  });
});
