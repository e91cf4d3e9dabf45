/**
 * The counts beside navigation links: how much waits for the signed-in user there. Each count is
 * one read of the owning domain (the HR inbox, the flags drawn to a supervisor), the same reads the
 * pages behind the links list, so the badge and the page never disagree.
 */
import type { Role } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';
import { hrInbox } from '../grading/inbox.js';
import { assignedFlagCount } from '../flags/inbox.js';
import type { Translate } from './i18n.js';

const counters: Record<string, { roles: readonly Role[]; count: (ctx: Ctx) => Promise<number> }> = {
  '/hr': { roles: ['hr'], count: async (ctx) => (await hrInbox({ ctx })).total },
  '/flags': { roles: ['supervisor'], count: (ctx) => assignedFlagCount({ ctx }) },
};

/** Whether a nav link carries a count for this role. */
export function hasNavCount(href: string, role: Role | null): boolean {
  return role !== null && (counters[href]?.roles.includes(role) ?? false);
}

/**
 * The badge of one link: nothing when nothing waits. A failing read never breaks the page it
 * decorates (an error page is drawn with this navigation too): the badge is left out then.
 */
export async function NavCount(props: { ctx: Ctx; href: string; t: Translate }) {
  const counter = counters[props.href];
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
