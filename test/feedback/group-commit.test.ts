import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app.js';
import { invite, seedFeedbackWorld } from '../support/feedback.js';
import { submissionQueue, type Submission } from '../../src/feedback/submit.js';
import { buildLeafSync } from '../../src/audit/append.js';
import { GroupQueue } from '../../src/feedback/group-commit.js';
import { newId } from '../../src/core/ids.js';

/** A submission as submitFeedback queues it, but without the pre-read: the race is the DB's. */
function item(t: TestApp, invitationId: string, officerCode: string): Submission {
  const at = t.clock.now().toISOString();
  const id = newId('fbr');
  const leaf = buildLeafSync({ actor: { kind: 'taxpayer' } }, { action: 'feedback.submit', entity: 'feedback_response', entityId: id, payload: { period: '2026Q4' } }, at);
  const ratings = { professionalism: 5, attitude: 5, efficiency: 5, integrity: 5 };
  return {
    response: { id, invitationId, officerCode, period: '2026Q4', submittedAt: at, ...ratings, mean: 5, comment: null, complaint: null, commitmentNonce: `nonce-${id}` },
    leaf,
  };
}

describe('group commit', () => {
  it('makes a lost race a no-op, in the same group and across groups, and never appends its leaf', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const a = await invite(t, w);
    const b = await invite(t, w);
    const q = submissionQueue(t.db);
    // same group: a twice, b once
    const [a1, a2, b1] = await Promise.all([q.submit(item(t, a.id, 'O1')), q.submit(item(t, a.id, 'O1')), q.submit(item(t, b.id, 'O1'))]);
    expect(a1).toEqual(expect.any(Number));
    expect(a2).toBeNull();
    expect(b1).toBe(a1! + 1);
    // a later group: the database refuses the used invitation
    expect(await q.submit(item(t, a.id, 'O1'))).toBeNull();
    const n = await t.db.all<{ r: number; a: number }>(sql`
      select (select count(*) from feedback_responses) as r,
             (select count(*) from audit_entries where action = 'feedback.submit') as a`);
    expect(n[0]).toEqual({ r: 2, a: 2 });
    const seqs = await t.db.all<{ seq: number }>(sql`select seq from audit_entries order by seq`);
    expect(seqs.map((s) => s.seq)).toEqual(seqs.map((_, i) => i));
  });

  it('does not let an expired invitation in, even if it expired after the look-up', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const a = await invite(t, w);
    t.clock.advance(31 * 86_400_000);
    expect(await submissionQueue(t.db).submit(item(t, a.id, 'O1'))).toBeNull();
  });

  it('retries the items of a failed group one by one, so one bad item fails alone', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const good = [await invite(t, w), await invite(t, w), await invite(t, w)];
    const q = submissionQueue(t.db);
    const fallbacks = q.stats.fallbacks;
    // an officer that does not exist: the foreign key fails the whole batch
    const results = await Promise.allSettled([
      q.submit(item(t, good[0]!.id, 'O1')),
      q.submit(item(t, good[1]!.id, 'NO-SUCH-OFFICER')),
      q.submit(item(t, good[2]!.id, 'O1')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(q.stats.fallbacks).toBe(fallbacks + 1);
    const n = await t.db.all<{ n: number }>(sql`select count(*) as n from feedback_responses`);
    expect(n[0]!.n).toBe(2);
  });

  it('flushes once per turn of the event loop and keeps groups within the limit', async () => {
    const seen: number[][] = [];
    const q = new GroupQueue<number, number>(async (items) => {
      seen.push(items);
      return items.map((x) => x * 2);
    }, 4);
    const out = await Promise.all([1, 2, 3, 4, 5, 6].map((x) => q.submit(x)));
    expect(out).toEqual([2, 4, 6, 8, 10, 12]);
    expect(seen).toEqual([[1, 2, 3, 4], [5, 6]]);
  });
});
