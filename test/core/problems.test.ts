/**
 * Refusals in the reader's language (ADR 0082): every code a verb throws and every sentence a
 * verb names has its zh-CN and English words; the API answers in Accept-Language (zh-CN when
 * absent) with the problem+json shape unchanged; field messages are said in Chinese on pages.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/core/errors.js';
import { fieldMessage, problemDetail, problemMessages } from '../../src/core/problems.js';
import { glossary, sayCodes, term } from '../../src/core/glossary.js';
import { makeTestApp } from '../support/app.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

/** The codes thrown under src/ (`new ApiError(n, 'code'`, `conflict(..., 'code')`) and the keys said. */
function thrown(): { codes: Map<string, string>; keys: Map<string, string> } {
  const codes = new Map<string, string>();
  const keys = new Map<string, string>();
  for (const f of sources('src')) {
    const s = readFileSync(f, 'utf8');
    for (const m of s.matchAll(/new ApiError\(\s*\d+,\s*'([a-z_]+)'/g)) codes.set(m[1]!, f);
    for (const m of s.matchAll(/\bconflict\(((?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\)/g)) {
      const c = /,\s*'([a-z_]+)'\s*$/.exec(m[1]!);
      if (c) codes.set(c[1]!, f);
    }
    for (const m of s.matchAll(/\.say\('([a-z_]+)'/g)) keys.set(m[1]!, f);
    for (const m of s.matchAll(/\bkey: '([a-z_]+)'/g)) if (/why: /.test(s)) keys.set(m[1]!, f);
  }
  return { codes, keys };
}

describe('the refusals catalogue', () => {
  it('has both languages for every code thrown and every key said', () => {
    const { codes, keys } = thrown();
    expect(codes.size).toBeGreaterThan(50);
    expect(keys.size).toBeGreaterThan(30);
    const missing = [...codes, ...keys].filter(([k]) => !(`problem.${k}` in problemMessages)).map(([k, f]) => `${k} (${f})`);
    expect(missing).toEqual([]);
    for (const [k, v] of Object.entries(problemMessages)) {
      expect(v['zh-CN'], k).toMatch(/[\u3400-\u9fff]/);
      expect(v.en, k).toMatch(/[a-z]/);
      // The same placeholders on both sides.
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(v['zh-CN']), k).toEqual(names(v.en));
    }
  });

  it('renders a said sentence with its values; else the verb’s English, or in zh-CN the code’s sentence or nothing', () => {
    const pending = new ApiError(409, 'adjustment_pending', 'Adjustment A1 for E01 is still pending.').say('adjustment_pending', { id: 'A1' });
    expect(problemDetail(pending, 'zh-CN')).toBe('该税务人员已有一项待审批的能级调整（A1），请先审批或驳回它，不能重复提出。');
    expect(problemDetail(pending, 'en')).toBe('Adjustment A1 for this officer is still pending; decide it before proposing another.');
    expect(problemDetail(new ApiError(404, 'not_found', 'No flag F1.'), 'zh-CN')).toBe('没有找到所请求的记录。');
    expect(problemDetail(new ApiError(404, 'not_found', 'No flag F1.'), 'en')).toBe('No flag F1.');
    const unknown = new ApiError(409, 'something_new', 'Something new happened.');
    expect(problemDetail(unknown, 'en')).toBe('Something new happened.');
    expect(problemDetail(unknown, 'zh-CN')).toBeUndefined();
  });

  it('says zod and verb field messages in Chinese, never English', () => {
    expect(fieldMessage('Required', 'zh-CN')).toBe('必填');
    expect(fieldMessage('String must contain at most 2000 character(s)', 'zh-CN')).toBe('最多 2000 个字符');
    expect(fieldMessage('Number must be greater than or equal to 0', 'zh-CN')).toBe('不能小于 0');
    expect(fieldMessage("Invalid enum value. Expected 'a' | 'b', received 'c'", 'zh-CN')).toBe('请从列出的选项中选择');
    expect(fieldMessage('expected YYYYQn', 'zh-CN')).toBe('季度应写作 2026Q3');
    expect(fieldMessage('no officer E0999', 'zh-CN')).toBe('没有编号为 E0999 的记录');
    expect(fieldMessage('a sentence nobody has catalogued', 'zh-CN')).toBe('此项填写有误');
    expect(fieldMessage('已经是中文', 'zh-CN')).toBe('已经是中文');
    expect(fieldMessage('Required', 'en')).toBe('Required');
  });
});

describe('the glossary', () => {
  it('labels each code once, in both languages', () => {
    expect(term('zh-CN', 'decisionType', 'assessed_turnover')).toBe('定额核定');
    expect(term('en', 'peerGroup', 'urban')).toBe('urban');
    expect(term('zh-CN', 'peerGroup', 'county')).toBe('县域');
    expect(term('zh-CN', 'evidence', 'pValue')).toBe('显著性（p 值）');
    expect(term('zh-CN', 'rule', 'nothing_like_it')).toBe('nothing_like_it');
    expect(sayCodes('zh-CN', '同组（urban）12 人；peer_outlier 中 2 分')).toBe('同组（城区）12 人；同组异常 中 2 分');
    expect(sayCodes('en', 'peer_outlier low 2; urban')).toBe('Peer outlier low 2; urban');
    for (const [family, entries] of Object.entries(glossary)) {
      for (const [code, v] of Object.entries(entries)) expect(v['zh-CN'], `${family}.${code}`).toMatch(/[\u3400-\u9fff]/);
    }
  });
});

describe('problem+json in the request language', () => {
  it('answers zh-CN by default and English for Accept-Language: en, same shape', async () => {
    const t = await makeTestApp();
    const hr = await t.userToken('hr');
    const zh = await t.call('GET', '/api/v1/grading-runs/nope', { token: hr });
    const en = await t.call('GET', '/api/v1/grading-runs/nope', { token: hr, headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(zh.status).toBe(404);
    const zb = (await zh.json()) as Record<string, unknown>;
    const eb = (await en.json()) as Record<string, unknown>;
    expect(Object.keys(zb).sort()).toEqual(Object.keys(eb).sort());
    expect(zb).toMatchObject({ status: 404, code: 'not_found', detail: '没有找到所请求的记录。' });
    expect(eb).toMatchObject({ status: 404, code: 'not_found' });
    expect(eb.detail).toMatch(/^No grading run/);
    const nowhere = (await (await t.call('GET', '/api/v1/nowhere', { token: hr })).json()) as { detail: string };
    expect(nowhere.detail).toBe('没有 GET /api/v1/nowhere。');
  });
});
