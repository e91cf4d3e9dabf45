/**
 * The demo's year (issue 14, DESIGN 3b): once the replay has published the four quarters of the
 * bureau's review year, HR computes its annual review (hr.wang) and another HR user publishes it
 * (hr.li, maker-checker), so a new user finds a published 年度考核 at /hr/annual and on /me.
 */
import type { Actor, Ctx } from '../../src/core/context.js';
import { computeAnnualReview } from '../../src/grading/annual-compute.js';
import { publishAnnualReview } from '../../src/grading/annual-publish.js';

export async function fillPayDemo(opts: { year: number | null; ctxOf: (a: Actor) => Ctx; maker: Actor; checker: Actor; log: (m: string) => void }) {
  if (opts.year === null) return null;
  const review = await computeAnnualReview({ ctx: opts.ctxOf(opts.maker), input: { year: opts.year } });
  await publishAnnualReview({ ctx: opts.ctxOf(opts.checker), input: { id: review.id } });
  opts.log(`annual review of ${opts.year} computed and published (${review.id})`);
  return review.id;
}
