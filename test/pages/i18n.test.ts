import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app.js';
import { langFromAcceptLanguage, translator, type Messages } from '../../src/pages/i18n.js';
import { messages } from '../../src/pages/messages.js';

const htmlLang = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];

describe('translator', () => {
  const cat = { greet: { 'zh-CN': '你好，{name}', en: 'Hello, {name}' } } satisfies Messages;
  it('interpolates, falls back to the key, and lets a later catalogue override', () => {
    expect(translator('en', cat)('greet', { name: 'Li' })).toBe('Hello, Li');
    expect(translator('zh-CN', cat)('greet', { name: '李' })).toBe('你好，李');
    expect(translator('en', cat)('missing.key')).toBe('missing.key');
    expect(translator('en', cat)('greet')).toBe('Hello, {name}');
    const override = { greet: { 'zh-CN': '您好', en: 'Hi' } } satisfies Messages;
    expect(translator('en', cat, override)('greet')).toBe('Hi');
  });

  it('has every shell string in both languages, non-empty', () => {
    for (const [key, v] of Object.entries(messages)) {
      expect(v['zh-CN'], key).toBeTruthy();
      expect(v.en, key).toBeTruthy();
    }
  });

  it('reads Accept-Language by q value', () => {
    expect(langFromAcceptLanguage('en-GB,en;q=0.9')).toBe('en');
    expect(langFromAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(langFromAcceptLanguage('fr, en;q=0.5')).toBe('en');
    expect(langFromAcceptLanguage('zh;q=0.3, en-US;q=0.7')).toBe('en');
    expect(langFromAcceptLanguage('fr')).toBeUndefined();
    expect(langFromAcceptLanguage('en;q=0')).toBeUndefined();
  });
});

describe('page language', () => {
  it('defaults to zh-CN, follows Accept-Language, then the cookie, then ?lang=', async () => {
    const t = await makeTestApp();
    const get = async (headers: Record<string, string>, path = '/') => (await t.call('GET', path, { headers })).text();
    const zh = await get({});
    expect(htmlLang(zh)).toBe('zh-CN');
    expect(zh).toContain('工作人员请登录');
    const en = await get({ 'accept-language': 'en-US,en;q=0.9' });
    expect(htmlLang(en)).toBe('en');
    expect(en).toContain('Staff: please sign in.');
    expect(htmlLang(await get({ 'accept-language': 'en', cookie: 'lang=zh-CN' }))).toBe('zh-CN');
    expect(htmlLang(await get({ cookie: 'lang=zh-CN' }, '/?lang=en'))).toBe('en');
  });

  it('switches with GET /lang: a Lax cookie for a year and a redirect back', async () => {
    const t = await makeTestApp();
    const res = await t.call('GET', '/lang?to=en&back=%2Flogin%3Fnext%3D%252Fadmin');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fadmin');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^lang=en;/);
    expect(cookie).toContain('Max-Age=31536000');
    expect(cookie).toContain('SameSite=Lax');
    const page = await (await t.call('GET', '/login', { headers: { cookie: 'lang=en' } })).text();
    expect(htmlLang(page)).toBe('en');
    // The switch link on an English page goes back to Chinese and returns to the same page.
    expect(page).toContain('href="/lang?to=zh-CN&amp;back=%2Flogin"');
  });

  it.each(['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'admin'])(
    'refuses to send the switch back to %s',
    async (back) => {
      const t = await makeTestApp();
      const res = await t.call('GET', `/lang?to=en&back=${encodeURIComponent(back)}`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('set-cookie')).toBeNull();
    },
  );

  it('refuses an unknown language', async () => {
    const t = await makeTestApp();
    expect((await t.call('GET', '/lang?to=fr&back=/')).status).toBe(400);
  });
});
