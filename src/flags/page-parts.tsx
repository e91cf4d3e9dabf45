/** What the supervisor console's pages share: their translator and stylesheet. */
import { PageStyle, domainT } from '../pages/page-helpers.js';
import { flagsMessages } from './messages.js';

export const tt = domainT(flagsMessages);

const pageCss = `dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0 1rem}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;word-break:break-all}
.filters{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:flex-end}.filters label{margin-top:.4rem}
.filters select,.filters input[type=number],.filters input[type=text]{width:auto;min-width:9rem;max-width:100%}.filters>div{max-width:100%}
.badge{display:inline-block;padding:0 .45rem;border-radius:3px;font-size:.85rem;border:1px solid var(--line)}
.badge.overdue{background:var(--bad-bg);border-color:var(--bad);color:var(--bad);font-weight:600}
.sev-high,.sev-critical{color:var(--bad);font-weight:600}
svg.flag-histogram{max-width:100%;height:auto;border:1px solid var(--line);background:#fff}
svg.flag-chart{display:block;width:100%;max-width:30rem;height:auto;border:1px solid var(--line);background:#fff}
section.why p[data-testid=why]{border-left:4px solid var(--line);padding:.4rem .8rem;background:#f6f8fa;line-height:1.6}
figure.evidence-chart{margin:1rem 0}figure.evidence-chart figcaption{margin:.3rem 0;font-weight:600}
figure.evidence-chart figcaption .muted{display:block;font-weight:400}tr.own td{font-weight:600}
pre.evidence{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:.6rem;border-radius:4px;font-size:.85rem}
.actions form{border:1px solid var(--line);border-radius:6px;padding:.5rem 1rem 1rem;margin:.5rem 0}
.outcomes label{display:inline-block;font-weight:400;margin-right:1rem}`;


export function FlagsStyle() {
  return <PageStyle css={pageCss} />;
}
