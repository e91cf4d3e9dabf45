import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app.js';
import { pageRequest, signIn } from '../support/pages.js';

const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('405 on page paths', () => {
  it('answers a browser with an HTML 405 page that keeps the Allow header', async () => {
    const t = await makeTestApp();
    const res = await pageRequest(t, 'PUT', '/verify', { headers: { accept: browser, 'accept-language': 'en' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Method not allowed');
    expect(html).toContain('This page does not accept PUT requests; it accepts GET, HEAD.');
    expect(html).toContain('Back to the home page');
  });

  it('renders the taxpayer form path as a public page without echoing its token', async () => {
    const t = await makeTestApp();
    const token = 'tok_abcdefghijklmnopqrstuvwxyz0123456789';
    const res = await pageRequest(t, 'PUT', `/f/${token}`, { headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
    const html = await res.text();
    expect(html).toContain('Method not allowed');
    // The shell's language switch links back to the page itself; the error text must not repeat it.
    const main = /<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? '';
    expect(main).toContain('it accepts');
    expect(main).not.toContain(token);
    expect(html).not.toContain('Back to the home page');
  });

  it('speaks the chosen language: Accept-Language, then ?lang= over it', async () => {
    const t = await makeTestApp();
    const zh = await pageRequest(t, 'DELETE', '/hr/runs', { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
    expect(zh.status).toBe(405);
    expect(zh.headers.get('allow')).toBe('POST');
    const zhHtml = await zh.text();
    expect(zhHtml).toContain('<html lang="zh-CN">');
    expect(zhHtml).toContain('不支持该请求方式');
    expect(zhHtml).toContain('此页面不接受 DELETE 请求，可用的请求方式：POST。');

    const en = await pageRequest(t, 'DELETE', '/hr/runs?lang=en', { headers: { 'accept-language': 'zh-CN' } });
    expect(en.status).toBe(405);
    const enHtml = await en.text();
    expect(enHtml).toContain('<html lang="en">');
    expect(enHtml).toContain('This page does not accept DELETE requests; it accepts POST.');
  });

  it('shows the staff shell to a signed-in user', async () => {
    const t = await makeTestApp();
    const s = await signIn(t, await t.userToken('hr'));
    const res = await pageRequest(t, 'GET', '/hr/runs', { session: s, headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    const html = await res.text();
    expect(html).toContain('Method not allowed');
    expect(html).toContain('Sign out');
  });

  it('keeps problem+json with Allow for the API and for clients that do not accept HTML', async () => {
    const t = await makeTestApp();
    for (const [method, path, accept] of [
      ['PUT', '/verify', 'application/json'],
      ['PUT', '/verify', ''],
      ['DELETE', '/hr/runs', '*/*'],
      ['DELETE', '/openapi.json', 'text/html'],
    ] as const) {
      // Same-origin, so the page CSRF check (which refuses cross-site unsafe requests first) lets it by.
      const res = await t.call(method, path, { headers: { origin: 'http://localhost', ...(accept ? { accept } : {}) } });
      expect(res.status, `${method} ${path} ${accept}`).toBe(405);
      expect(res.headers.get('content-type'), `${method} ${path} ${accept}`).toContain('application/problem+json');
      expect(res.headers.get('allow'), `${method} ${path}`).toBeTruthy();
      const body = (await res.json()) as { type: string; status: number };
      expect(body.status).toBe(405);
    }
  });

  it('keeps problem+json on an /api path even when the client asks for HTML', async () => {
    const t = await makeTestApp();
    const spec = (await (await t.call('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const getOnly = Object.keys(spec.paths).find((p) => p.startsWith('/api/') && !p.includes('{') && !('delete' in spec.paths[p]!));
    expect(getOnly).toBeDefined();
    const res = await t.call('DELETE', getOnly!, { headers: { accept: 'text/html', origin: 'http://localhost' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('allow')).toBeTruthy();
  });
});
