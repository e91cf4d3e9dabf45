/** The sentence of every rule, even from evidence that lacks its figures (an old flag): never a raw key or placeholder. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ruleIds } from '../../src/flags/policy.js';
import { whyRaised } from '../../src/flags/evidence-section.js';
import { flagsMessages } from '../../src/flags/messages.js';
import { translator, type Lang } from '../../src/pages/i18n.js';

describe('whyRaised', () => {
  it.each(['zh-CN', 'en'] as Lang[])('has a sentence of its own for every rule the policy knows (%s)', (lang) => {
    const t = translator(lang, flagsMessages);
    const unknown = t('why.unknown', { rule: 'x' }).slice(-12);
    for (const rule of ruleIds) {
      for (const ev of [{}, { officerCode: 'O1', reasons: ['late', 'below_threshold'], panels: [{ panel: 3, voting: 0, investigatorsVoting: 1, lapsed: true }] }]) {
        const s = whyRaised(rule, ev, { t, lang, subject: 'O1' });
        expect(s.length, rule).toBeGreaterThan(0);
        for (const line of s) {
          expect(line, rule).not.toContain(unknown);
          expect(line, rule).not.toMatch(/\{\w+\}|why\.|NaN|undefined/);
        }
        expect(s.join(' '), rule).toContain('O1');
      }
    }
  });

  it('says which rule it was for a rule it does not know', () => {
    const t = translator('zh-CN', flagsMessages);
    expect(whyRaised('threshold_bunching_v0', {}, { t, lang: 'zh-CN', subject: 'O1' })).toEqual([t('why.unknown', { rule: 'threshold_bunching_v0' })]);
  });
});

describe('the flag page’s files', () => {
  it('hold no SQL: their figures come through the rules’ read functions', () => {
    for (const f of ['flag-page.tsx', 'evidence-section.tsx', 'evidence-charts.tsx', 'bunching-chart.tsx']) {
      const src = readFileSync(`src/flags/${f}`, 'utf8');
      expect(src, f).not.toMatch(/from 'drizzle-orm'|\bsql`/);
    }
  });
});
