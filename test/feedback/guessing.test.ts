import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp } from '../support/app.js';
import { goodForm, invite, postForm, seedFeedbackWorld } from '../support/feedback.js';
import { GUESS_LIMIT, GUESS_WINDOW_MS } from '../../src/core/guessing.js';

const fake = (i: number) => `guess${String(i).padStart(38, '0')}`;

describe('the guessing limit', () => {
  it('answers 429 after too many bad tokens from one address, but never limits valid tokens', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const hall = { 'cf-connecting-ip': '203.0.113.7' };
    const used = await invite(t, w);
    expect((await postForm(t, used.token, goodForm, hall)).status).toBe(200);
    // unknown, used and malformed tokens all count
    for (let i = 0; i < GUESS_LIMIT - 2; i++) expect((await t.call('GET', `/f/${fake(i)}`, { headers: hall })).status).toBe(404);
    expect((await postForm(t, used.token, goodForm, hall)).status).toBe(410);
    expect((await t.call('GET', '/f/short', { headers: hall })).status).toBe(404);
    const limited = await t.call('GET', `/f/${fake(99)}`, { headers: hall });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe(String(GUESS_WINDOW_MS / 1000));
    expect(await limited.text()).toContain('尝试次数过多');
    expect((await postForm(t, used.token, goodForm, hall)).status).toBe(429);

    // the same address still opens and submits valid invitations
    for (let i = 0; i < 3; i++) {
      const inv = await invite(t, w);
      expect((await t.call('GET', `/f/${inv.token}`, { headers: hall })).status).toBe(200);
      expect((await postForm(t, inv.token, goodForm, hall)).status).toBe(200);
    }
    // another address is not affected
    expect((await t.call('GET', `/f/${fake(1)}`, { headers: { 'cf-connecting-ip': '198.51.100.1' } })).status).toBe(404);
    // the addresses are stored hashed
    const keys = await t.db.all<{ key: string }>(sql`select key from rate_limits`);
    expect(keys.some((k) => k.key.includes('203.0.113.7'))).toBe(false);
    // the next window starts afresh
    t.clock.advance(GUESS_WINDOW_MS);
    expect((await t.call('GET', `/f/${fake(5)}`, { headers: hall })).status).toBe(404);
  });
});
