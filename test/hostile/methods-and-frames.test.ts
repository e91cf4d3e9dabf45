/**
 * Issue 11: TRACE on /f/* answered 403 (the CSRF check ran before the 405), and X-Frame-Options
 * (SAMEORIGIN) disagreed with the CSP's frame-ancestors 'none'.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';

/**
 * `fetch`'s Request refuses TRACE, so TRACE goes over a real socket: the app served by
 * @hono/node-server (as src/node.ts serves it) on a free port.
 */
async function overSocket(t: TestApp, method: string, path: string, headers: Record<string, string> = {}) {
  const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    await new Promise((r) => server.close(r));
  }
}

type Doc = { paths: Record<string, Record<string, unknown>> };

describe('unsupported methods and framing', () => {
  it('answers 405 with Allow for TRACE, PUT, PATCH, DELETE and OPTIONS on the taxpayer form, cross-site or not', async () => {
    const t = await makeTestApp();
    for (const origin of [undefined, 'https://evil.example']) {
      const res = await overSocket(t, 'TRACE', '/f/tok_abcdefghijklmnopqrstuvwxyz', origin ? { origin } : {});
      expect(res.status, `TRACE ${origin}`).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD, POST');
    }
    for (const method of ['PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      for (const origin of [undefined, 'https://evil.example']) {
        const res = await t.call(method, '/f/tok_abcdefghijklmnopqrstuvwxyz', { headers: origin ? { origin } : {} });
        expect(res.status, `${method} ${origin}`).toBe(405);
        expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
      }
    }
  });

  it('answers 405 with Allow, as problem+json, for every path of /openapi.json and a method it does not serve', async () => {
    const t = await makeTestApp();
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as Doc;
    const methods = ['get', 'post', 'put', 'patch', 'delete'];
    const templates = Object.entries(doc.paths).map(([p, item]) => ({ re: new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`), item }));
    // GET /api/v1/flags/scan is GET /api/v1/flags/{id}: a method some template serves for the URL is no 405.
    const served = (url: string, m: string) => templates.some((x) => x.re.test(url) && m in x.item);
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      const url = path.replace(/\{[^}]+\}/g, 'x1');
      for (const m of methods.filter((x) => !served(url, x))) {
        const res = await t.call(m.toUpperCase(), url, { token: t.adminToken });
        expect(res.status, `${m} ${path}`).toBe(405);
        const allow = res.headers.get('allow')!.split(', ');
        for (const served of Object.keys(item)) expect(allow, `${m} ${path}`).toContain(served.toUpperCase());
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('forbids framing the same way in both headers, on pages and the API', async () => {
    const t = await makeTestApp();
    for (const path of ['/login', '/f/tok_x', '/api/v1/me', '/healthz', '/nope']) {
      const res = await t.call('GET', path, { headers: { accept: 'text/html' } });
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
  });
});
