/**
 * The flag page's evidence for every rule: a sentence in plain words with the flag's figures (in
 * zh-CN and English), and a chart where the figures are a distribution. The flags are real: raised
 * by the scan and the verbs over fixture data (test/support/evidence.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { pageRequest, signIn } from '../support/pages.js';
import { evidenceRules, evidenceWorld, subjectOf, type EvidenceRule, type EvidenceWorld } from '../support/evidence.js';

let w: EvidenceWorld;
let session: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  w = await evidenceWorld();
  session = await signIn(w.t, w.sup.token);
}, 60_000);

async function page(rule: EvidenceRule, lang: 'en' | 'zh-CN') {
  const res = await pageRequest(w.t, 'GET', `/flags/${w.flags[rule]}?lang=${lang}`, { session });
  expect(res.status).toBe(200);
  return res.text();
}

/** The text of the why-paragraph, tags stripped. */
function why(html: string): string {
  const m = /<p data-testid="why"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  expect(m, 'the why sentence').toBeTruthy();
  return m![1]!.replace(/<[^>]+>/g, '').replace(/&#39;|&quot;|&amp;/g, (e) => ({ '&#39;': "'", '&quot;': '"', '&amp;': '&' })[e]!);
}

/** What each rule's sentence must say, with its figures, in English and in Chinese. */
const says: Record<EvidenceRule, { en: string[]; zh: string[] }> = {
  threshold_bunching: { en: ['12 amounts lie just below the threshold of 20,000 yuan', 'only 2 just above it', 'only 0.65%'], zh: ['有 12 笔金额落在临界值 20,000 元下方', '只有 2 笔', '定额核定'] },
  sole_decider: { en: ['2 “Assessed turnover” decision(s) by SD1', 'fewer than 2 independent members'], zh: ['SD1 有 2 项“定额核定”决定', '少于 2 名'] },
  reviewer_concentration: { en: ['Of the 10 decisions by RC1', 'R2 voted on 10 (100%)', 'limit of 50%'], zh: ['有 10 项（100%）由同一名审议人员 R2 参加表决', '超过 50% 的上限'] },
  rotation_due: { en: ['RT1 has managed 1 taxpayer(s)', 'more than 3 years', 'since 2019-01-01'], zh: ['RT1 连续管理 1 户纳税人已超过 3 年', '2019-01-01'] },
  peer_outlier: { en: ['0.8 favourable decisions per managed taxpayer (8 decisions, 10 taxpayers)', 'the 6 officers of the peer group “county” is 0.2', '4.05 robust'], zh: ['平均作出 0.8 项', '同组（县域）6 名干部的中位数是 0.2', '稳健 z 值）为 4.05'] },
  benford: { en: ['the 60 amounts BF1 assessed', 'mean deviation is 0.1276', 'digit 1: 66.7% of the amounts against about 30.1%'], zh: ['核定的 60 个金额', '首位数字 1：实际占 66.7%，通常约占 30.1%'] },
  late_amendment: { en: ['amended a decision taken on 2026-08-01, 45 days later', 'from 25,000 to 19,000 yuan', 'threshold of 20,000 yuan'], zh: ['于 2026-09-15 更正了 2026-08-01 作出的决定，相隔 45 天', '从 25,000 元改为 19,000 元'] },
  complaint: { en: ['complained about CP1', 'It came through the 12366 hotline.', 'Category: attitude.'], zh: ['纳税人投诉了 CP1', '12366 热线', '服务态度'] },
  feedback_burst: { en: ['as many as 13 ratings within 10 minutes', 'above 10', 'happened 2 time(s)'], zh: ['多达 13 条评价', '共出现 2 次'] },
  repeat_waiver: { en: ['(late filing)', 'let off 1 time(s), first on 2025-03-01 (by RW0)'], zh: ['（逾期申报）', '最早一次是 2025-03-01（承办人 RW0）'] },
  no_quorum: { en: ['3 collective review(s) of decisions by NQ1', '1 had fewer than 2/3 of the panel', 'in 1 someone who investigated the case voted', '1 lapsed without a quorum'], zh: ['NQ1 有 3 项决定', '1 项有参与调查的人员参加了表决', '1 项逾期未达法定人数而作废'] },
  spot_check: { en: ['spot check of 2026Q3', 'a decision by SC1', '延期理由与证明材料不符'], zh: ['在 2026Q3 的随机抽查中', '延期理由与证明材料不符'] },
  feedback_selection: { en: ['rated them 4.75 on average (10 ratings)', 'rated them 3.75 (10 ratings): lower by 1', 'less than 1 in 10,000'], zh: ['平均打分 4.75（10 份）', '平均打分 3.75（10 份），低了 1 分', '不到万分之一'] },
};

/** The rules whose figures are a distribution, and the chart each flag page must draw. */
const charted: Partial<Record<EvidenceRule, string>> = { peer_outlier: 'peer', benford: 'benford', feedback_burst: 'burst', reviewer_concentration: 'concentration' };

/** The chart's figure, from its opening tag to the end of its data table. */
function figure(html: string, id: string): string {
  const start = html.indexOf(`data-testid="chart-${id}"`);
  expect(start, `chart ${id}`).toBeGreaterThan(0);
  return html.slice(start, html.indexOf('</figure>', start));
}

const attrs = (html: string, re: RegExp) => [...html.matchAll(re)].map((m) => m[1]!);

describe('why each rule raised its flag', () => {
  it.each(evidenceRules)('%s: a sentence with its figures, in English and in Chinese, and no key:value dump', async (rule) => {
    const [en, zh] = [await page(rule, 'en'), await page(rule, 'zh-CN')];
    for (const s of says[rule].en) expect(why(en)).toContain(s);
    for (const s of says[rule].zh) expect(why(zh)).toContain(s);
    // The Chinese sentence speaks Chinese: no English words, no raw codes.
    expect(why(zh)).not.toMatch(/[a-z]{3,}|[a-z]+_[a-z]+/);
    expect(why(zh)).toMatch(/[\u4e00-\u9fff]{5}/);
    expect(why(en)).toContain(subjectOf[rule]);
    expect(en).not.toContain('data-testid="evidence-figures"');
    // A chart exactly where the figures are a distribution (bunching keeps its own histogram).
    const chart = charted[rule];
    if (chart) {
      for (const html of [en, zh]) expect(figure(html, chart)).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="\w+-title \w+-desc"/);
    } else {
      expect(en).not.toContain('data-testid="chart-');
    }
  });
});

describe('the charts of distributions', () => {
  it('peer outlier: every officer of the group as a dot, the subject marked, the others unnamed', async () => {
    const f = figure(await page('peer_outlier', 'en'), 'peer');
    expect(f.match(/class="dot peer"/g)).toHaveLength(5);
    expect(f.match(/class="dot own"/g)).toHaveLength(1);
    expect(f).toContain('class="median"');
    expect(f).toContain('class="cutoff"');
    // The table: P5's 0.8 first, then the peers' rates, none of them named.
    const rates = attrs(f, /<td class="num">([\d.]+)<\/td>\s*<\/tr>/g);
    expect(rates).toEqual(['0.8', '0.3', '0.2', '0.2', '0.1', '0.1']);
    expect(f).toContain('<strong>P5</strong>');
    expect(f).not.toMatch(/\bP[0-4]\b/);
    // The flag line: median 0.2 + 3.5 x 1.4826 x MAD 0.1 = 0.719.
    expect(f).toContain('flag line 0.719');
  });

  it('Benford: observed first digits against the expected ones', async () => {
    const f = figure(await page('benford', 'en'), 'benford');
    expect(attrs(f, /data-observed="([\d.]+)"/g).map(Number)).toEqual([40 / 60, 0, 0, 0, 10 / 60, 0, 0, 0, 10 / 60]);
    expect(f.match(/class="expected"/g)).toHaveLength(9);
    expect(f).toContain('<td class="num">30.1%</td>'); // expected share of 1
    expect(f).toContain('<td class="num">66.7%</td>'); // observed
  });

  it('feedback burst: every response of each burst on a time line and in a list, nothing that leads to the taxpayer', async () => {
    const f = figure(await page('feedback_burst', 'en'), 'burst');
    expect(f.match(/data-testid="burst-response"/g)).toHaveLength(25);
    expect(f.match(/class="response accepted"/g)).toHaveLength(24);
    expect(f.match(/class="response voided"/g)).toHaveLength(1);
    expect(f).toContain('2026-10-01 09:04:00 UTC');
    expect(f).toContain('2026-10-03 14:38:15 UTC');
    // Neither the taxpayer, nor the invitation, nor the response ids.
    expect(f).not.toMatch(/TPF|inv_|rsp_|ref_/);
    const zh = figure(await page('feedback_burst', 'zh-CN'), 'burst');
    expect(zh).toContain('已作废');
    expect(zh).toContain('10-01 09:00 起 13 条');
  });

  it('reviewer concentration: every member’s share, the flagged one marked, the limit drawn', async () => {
    const f = figure(await page('reviewer_concentration', 'en'), 'concentration');
    const bars = [...f.matchAll(/class="(share(?: flagged)?)" data-reviewer="(\w+)" data-share="([\d.]+)"/g)].map((m) => [m[2], Number(m[3]), m[1]]);
    expect(bars).toEqual([
      ['R2', 1, 'share flagged'],
      ['R3', 0.4, 'share'],
      ['R4', 0.3, 'share'],
      ['R5', 0.3, 'share'],
    ]);
    expect(f).toContain('class="limit"');
    expect(f).toContain('Share of the 10 reviewed decisions by RC1');
  });
});
