/**
 * The badge beside a navigation link: how much waits for the signed-in user there. The counting
 * reads belong to the domains; the app hands their table to the shell (src/nav-counts.ts).
 */
import type { Role } from '../../db/schema.js';
import type { NavCounts } from '../core/http.js';
import type { Ctx } from '../core/context.js';
import type { Translate } from './i18n.js';

/** Whether a nav link carries a count for this role. */
export function hasNavCount(counts: NavCounts | undefined, href: string, role: Role | null): boolean {
  return role !== null && (counts?.[href]?.roles.includes(role) ?? false);
}

/**
 * The badge of one link: nothing when nothing waits. A failing read never breaks the page it
 * decorates (an error page is drawn with this navigation too): the badge is left out then.
 */
export async function NavCount(props: { counts: NavCounts; ctx: Ctx; href: string; t: Translate }) {
  const counter = props.counts[props.href];
  if (!counter) return <></>;
  let n: number;
  try {
    n = await counter.count(props.ctx);
  } catch {
    return <></>;
  }
  if (n === 0) return <></>;
  return (
    <>
      {' '}
      <span class="nav-count" data-testid="nav-count" data-count={n}>
        <span aria-hidden="true">{n > 99 ? '99+' : String(n)}</span>
        <span class="visually-hidden">{props.t('nav.waiting', { n })}</span>
      </span>
    </>
  );
}
