/**
 * Found by the hostile review of issue 11: a `lang` cookie with a malformed percent-escape threw
 * a URIError on every page, and again in the error handler (which reads the language to render
 * the error page), so the request failed without an answer. The cookie is now ignored.
 */
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app.js';

describe('a malformed cookie', () => {
  it('is ignored: the page answers in the default language, the API as usual', async () => {
    const t = await makeTestApp();
    for (const cookie of ['lang=%E0', 'lang=%ZZ; sid=%E0', 'lang=%']) {
      const page = await t.call('GET', '/login', { headers: { cookie, accept: 'text/html' } });
      expect(page.status, cookie).toBe(200);
      expect(await page.text()).toContain('<html lang="zh-CN">');
      const missing = await t.call('GET', '/nowhere', { headers: { cookie, accept: 'text/html' } });
      expect(missing.status, cookie).toBe(404);
      expect((await t.call('GET', '/api/v1/me', { token: t.adminToken, headers: { cookie } })).status).toBe(200);
    }
  });
});
