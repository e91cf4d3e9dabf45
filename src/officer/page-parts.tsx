/** What the officer's own pages share: their translator, stylesheet and the acting officer. */
import type { PageContext } from '../pages/layout.js';
import { PageError, requireStaffPage } from '../pages/errors.js';
import { PageStyle, domainT } from '../pages/page-helpers.js';
import { selfServiceRoles } from './queries.js';
import { officerMessages } from './messages.js';

export const tt = domainT(officerMessages);

const pageCss = `dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0 1rem}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;word-break:break-word}
.result{border:1px solid var(--line);border-radius:6px;padding:.5rem 1rem 1rem;margin:1rem 0}
.result h3{margin:.3rem 0 .5rem;font-size:1.1rem}
.reviewer-row{display:grid;grid-template-columns:1fr;gap:0 1rem}
@media (min-width:40rem){.reviewer-row{grid-template-columns:minmax(0,16rem) minmax(0,12rem)}}
.hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}`;


export function OfficerStyle() {
  return <PageStyle css={pageCss} />;
}

/** The signed-in officer (or supervisor with an officer record); others get the shell's refusal. */
export function selfActor(c: PageContext) {
  const staff = requireStaffPage(c, ...selfServiceRoles);
  if (!staff.officerCode) throw new PageError(403, tt(c).t('me.notLinked'));
  return { ...staff, officerCode: staff.officerCode };
}
