/**
 * The panel rules on real votes (DESIGN section 4): sole decider, no quorum and reviewer
 * concentration count only votes that members cast themselves; a lapsed review is a no-quorum
 * case; a review still collecting votes is not judged; the evidence names the panel, the votes
 * and the draw. The clock is 2026-10-15.
 */
import { describe, expect, it } from 'vitest';
import { findCandidates } from '../../src/flags/scan.js';
import { lapseReviews } from '../../src/decisions/lapse.js';
import type { FlagCandidate } from '../../src/flags/raise.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { decisionsFor, json, officer, taxpayer } from '../support/oversight.js';

async function candidates(t: TestApp, rule: string): Promise<FlagCandidate[]> {
  return (await findCandidates(t.ctx())).filter((c) => c.rule === rule);
}
const subjects = (cs: FlagCandidate[]) => cs.map((c) => c.subjectCode).sort();

async function app() {
  const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
  for (const o of ['O1', 'O2', 'O3', 'O4', 'R1', 'R2', 'R3']) await officer(t, o);
  return t;
}

const seats = (cast: boolean, votes: ('approve' | 'reject' | null)[] = ['approve', 'approve', 'approve']) =>
  votes.map((vote, i) => ({ officerCode: `R${i + 1}`, vote, cast }));

describe('votes typed by the decider count for nothing', () => {
  it('a decision whose only "votes" came from its decider trips no quorum and sole decider; the same votes cast by members do not', async () => {
    const t = await app();
    const [typed] = await decisionsFor(t, [
      { decider: 'O1', amount: 1, reviewers: seats(false) },
      { decider: 'O2', amount: 1, reviewers: seats(true) },
    ]);
    const nq = await candidates(t, 'no_quorum');
    expect(subjects(nq)).toEqual(['O1']);
    expect(nq[0]!.evidence.panels).toEqual([
      { id: typed, status: 'effective', members: ['R1', 'R2', 'R3'], votes: {}, claimedVotes: 3, investigators: [], draw: null, panel: 3, voting: 0, investigatorsVoting: 0, lapsed: false },
    ]);
    const sd = await candidates(t, 'sole_decider');
    expect(subjects(sd)).toEqual(['O1']);
    expect(sd[0]!.evidence.independentReviewers).toEqual({ [typed!]: 0 });
  });

  it('reviewer concentration counts a reviewer only where they voted themselves', async () => {
    const t = await app();
    const d = (decider: string, cast: boolean) => ({ decider, amount: 5, reviewers: [{ officerCode: 'R1', cast }] });
    await decisionsFor(t, Array.from({ length: 10 }, () => d('O1', false)));
    await decisionsFor(t, Array.from({ length: 10 }, () => d('O2', true)));
    const cs = await candidates(t, 'reviewer_concentration');
    expect(subjects(cs)).toEqual(['O2']);
    const ev = cs[0]!.evidence as { panels: { votes: Record<string, string> }[]; decisionIds: string[] };
    expect(ev.panels).toHaveLength(10);
    expect(ev.panels.every((p) => p.votes.R1 === 'approve')).toBe(true);
  });
});

describe('reviews drawn by the service', () => {
  it('a review collecting votes is not judged; a lapsed one is a no-quorum case; an approved one with 2 member votes is neither', async () => {
    const t = await app();
    await decisionsFor(t, [
      { decider: 'O1', amount: 1, reviewers: seats(true, [null, null, null]), review: 'pending_review' },
      { decider: 'O2', amount: 1, reviewers: seats(true, ['approve', null, null]), review: 'lapsed' },
      { decider: 'O3', amount: 1, reviewers: seats(true, ['approve', 'approve', null]), review: 'approved' },
      // A panel of one (a unit too small) approved on one vote: a sole decider.
      { decider: 'O4', amount: 1, reviewers: [{ officerCode: 'R1', vote: 'approve', cast: true }], review: 'approved' },
    ]);
    const nq = await candidates(t, 'no_quorum');
    expect(subjects(nq)).toEqual(['O2']);
    expect(nq[0]!.evidence.panels).toMatchObject([{ status: 'lapsed', lapsed: true, voting: 1, panel: 3, votes: { R1: 'approve' } }]);
    expect(subjects(await candidates(t, 'sole_decider'))).toEqual(['O4']);
  });

  it('end to end: a panel that never meets lapses, and the scan raises no quorum naming the panel, the votes and the draw', async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    for (const o of ['D', 'M1', 'M2', 'M3']) await officer(t, o);
    await taxpayer(t, 'TP1');
    const tokens: Record<string, string> = {};
    for (const o of ['D', 'M1', 'M2', 'M3']) tokens[o] = await t.userToken('officer', { username: `u-${o}`, officerCode: o });
    const res = await t.call('POST', '/api/v1/decisions', {
      token: tokens.D,
      json: { type: 'assessed_turnover', taxpayerCode: 'TP1', amount: 19_800, justification: 'j', decidedAt: '2026-10-15' },
    });
    const { id } = await json(res);
    expect((await t.call('POST', `/api/v1/decisions/${id}/votes`, { token: tokens.M2, json: { vote: 'approve', reason: 'fine' } })).status).toBe(201);
    expect(await candidates(t, 'no_quorum')).toEqual([]);
    t.clock.set('2026-10-30T00:00:00.000Z');
    await lapseReviews({ ctx: t.ctx({ kind: 'system', name: 'review-lapse' }) });
    const [c] = await candidates(t, 'no_quorum');
    expect(c!.subjectCode).toBe('D');
    const panel = (c!.evidence.panels as Record<string, unknown>[])[0]!;
    expect(panel).toMatchObject({ id, status: 'lapsed', members: ['M1', 'M2', 'M3'], votes: { M2: 'approve' }, claimedVotes: 0, voting: 1, lapsed: true });
    expect(panel.draw).toMatchObject({ seed: expect.stringMatching(/^[0-9a-f]{64}$/), auditSize: expect.any(Number), eligible: 3 });
    // A lapse decided nothing: not a sole decider.
    expect(await candidates(t, 'sole_decider')).toEqual([]);
  });
});
