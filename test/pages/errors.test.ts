import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app.js';
import { pageRequest, signIn } from '../support/pages.js';
import { conflict } from '../../src/core/errors.js';

describe('error pages', () => {
  it('answers a browser on a page path with an HTML 404 in its language', async () => {
    const t = await makeTestApp();
    const res = await t.call('GET', '/no/such/page', { headers: { accept: 'text/html,application/xhtml+xml', 'accept-language': 'en' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Page not found');
    expect(html).toContain('There is nothing at /no/such/page.');
  });

  it('keeps problem+json for the API, machine clients and /openapi.json-like paths', async () => {
    const t = await makeTestApp();
    for (const [path, accept] of [
      ['/api/v1/nope', 'text/html'],
      ['/no/such/page', 'application/json'],
      ['/no/such/page', ''],
      ['/healthz/x', 'text/html'],
    ] as const) {
      const res = await t.call('GET', path, { headers: accept ? { accept } : {} });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), `${path} ${accept}`).toContain('application/problem+json');
    }
  });

  it('redirects to sign-in on a staff page without a session, keeping where to go back to', async () => {
    const t = await makeTestApp();
    const res = await pageRequest(t, 'GET', '/admin?after=b');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fadmin%3Fafter%3Db');
    const form = await (await pageRequest(t, 'GET', res.headers.get('location')!)).text();
    expect(form).toContain('name="next" value="/admin?after=b"');
  });

  it('renders a 403 page for the wrong role, whatever the Accept header', async () => {
    const t = await makeTestApp();
    const s = await signIn(t, await t.userToken('hr'));
    const res = await t.call('GET', '/admin', { headers: { cookie: s.cookie, 'accept-language': 'en' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('This page is for: administrator. Your role is HR.');
  });

  it('renders verb errors and crashes on page paths as pages, without leaking internals', async () => {
    const t = await makeTestApp();
    t.app.get('/probe/conflict', () => {
      throw conflict('This run is published.');
    });
    t.app.get('/probe/crash', () => {
      throw new Error('secret internal detail');
    });
    const c = await t.call('GET', '/probe/conflict', { headers: { accept: 'text/html' } });
    expect(c.status).toBe(409);
    // A zh-CN page says the refusal by its code (core/problems.ts), never the verb's English.
    const zh = await c.text();
    expect(zh).toContain('该操作与现有数据冲突。');
    expect(zh).not.toContain('This run is published.');
    const en = await t.call('GET', '/probe/conflict', { headers: { accept: 'text/html', 'accept-language': 'en' } });
    expect(await en.text()).toContain('This run is published.');
    const quiet = console.error;
    console.error = () => {};
    try {
      const x = await t.call('GET', '/probe/crash', { headers: { accept: 'text/html', 'accept-language': 'en' } });
      expect(x.status).toBe(500);
      const html = await x.text();
      expect(html).toContain('Internal error');
      expect(html).toContain(x.headers.get('x-request-id')!);
      expect(html).not.toContain('secret internal detail');
      const api = await t.call('GET', '/probe/crash');
      expect(api.headers.get('content-type')).toContain('application/problem+json');
    } finally {
      console.error = quiet;
    }
  });

  it('sends no-store and security headers with pages', async () => {
    const t = await makeTestApp();
    const res = await t.call('GET', '/login');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
