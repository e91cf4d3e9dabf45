/**
 * The counts beside navigation links: how much waits for the signed-in user behind each link. Each
 * is one read of the owning domain, the same read the page behind the link lists (ADR 0080): the
 * HR inbox's total on the HR console's link, the unclosed flags drawn to a supervisor on the flag
 * queue's link. Wired here, beside the app, because the page shell may not import the domains
 * whose pages it frames; the app hands this table to the shell per request (`navCounts`).
 */
import type { NavCounts } from './core/http.js';
import { hrInbox } from './grading/inbox.js';
import { assignedFlagCount } from './flags/inbox.js';

export const navCounts: NavCounts = {
  '/hr': { roles: ['hr'], count: async (ctx) => (await hrInbox({ ctx })).total },
  '/flags': { roles: ['supervisor'], count: (ctx) => assignedFlagCount({ ctx }) },
};
