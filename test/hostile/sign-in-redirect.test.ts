/**
 * Issue 11, open redirect: `/login?next=/.//evil.example` sent the user to `//evil.example` after
 * signing in. The return path must be a path on this origin, however it is spelt.
 */
import { describe, expect, it } from 'vitest';
import { safeLocalPath } from '../../src/pages/sign-in.js';
import { makeTestApp } from '../support/app.js';
import { pageRequest } from '../support/pages.js';

const offOrigin = [
  '/.//evil.example',
  '/./evil.example/..//evil.example',
  '/..//evil.example',
  '/a/..//evil.example',
  '/a/../..//evil.example/x',
  '/%2e//evil.example',
  '/%2E%2E//evil.example',
  '//evil.example',
  '/\\evil.example',
  '/\\/evil.example',
  '/%5Cevil.example',
  '/%2F%2Fevil.example',
  '/%252F%252Fevil.example',
  '/%5c%5cevil.example',
  '\\\\evil.example',
  'https://evil.example',
  'javascript:alert(1)',
  'JavaScript:alert(1)',
  ' /x',
  '/\tevil.example',
  '/%09/evil.example',
  '/\n/evil.example',
  'evil.example',
  '',
];

describe('the sign-in return path', () => {
  it.each(offOrigin)('refuses %j', (next) => {
    const out = safeLocalPath(next);
    if (out !== undefined) {
      // Whatever is kept must resolve on this origin, from any base.
      expect(new URL(out, 'https://grading.example/a/b').origin, out).toBe('https://grading.example');
      expect(out.startsWith('//') || out.startsWith('/\\'), out).toBe(false);
    }
    expect(out).toBeUndefined();
  });

  it('keeps ordinary paths with their query and fragment', () => {
    expect(safeLocalPath('/hr?period=2026Q3')).toBe('/hr?period=2026Q3');
    expect(safeLocalPath('/flags/f_1?status=open#evidence')).toBe('/flags/f_1?status=open#evidence');
    expect(safeLocalPath('/me?name=%E5%BC%A0')).toBe('/me?name=%E5%BC%A0');
    expect(safeLocalPath('/a/./b/../c')).toBe('/a/c');
  });

  it('redirects to the role page after signing in with next=/.//evil.example, and never off the origin', async () => {
    const t = await makeTestApp();
    const token = await t.userToken('hr');
    for (const next of ['/.//evil.example', '/a/..//evil.example', '/%2e//evil.example']) {
      const page = await pageRequest(t, 'GET', `/login?next=${encodeURIComponent(next)}`);
      expect(await page.text()).not.toContain('name="next"');
      const res = await pageRequest(t, 'POST', '/login', { form: { token, next } });
      expect(res.status).toBe(303);
      const location = res.headers.get('location')!;
      expect(new URL(location, 'https://grading.example/login').origin, `${next} -> ${location}`).toBe('https://grading.example');
      expect(location).toBe('/hr');
    }
    // The language switch shares the rule.
    const lang = await pageRequest(t, 'GET', `/lang?to=en&back=${encodeURIComponent('/.//evil.example')}`);
    expect(lang.status).toBe(400);
  });
});
