/**
 * The permanent log holds nothing a person may ask to erase (DESIGN 5, issue 12): a full
 * demo-sized bureau (scripts/synthetic, demoSize: 200 officers, 4,000 taxpayers, 2,400 responses,
 * 1,200 decisions, a year of grading, flags and appeals) is filled through the service verbs, and
 * every leaf is searched for every complaint text, every comment, and the code and the name of
 * every individual taxpayer. None is found. The leaves that stand for them hold commitments.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeDb } from '../support/app.js';
import { ensureAdmin } from '../../src/auth/users.js';
import { fixedClock } from '../../src/core/clock.js';
import { randomSeed, signerFromSeed } from '../../src/audit/signer.js';
import { verifyLog } from '../../src/audit/verify.js';
import { demoStart, fillDemo } from '../../scripts/synthetic/fill-demo.js';
import { demoSize } from '../../scripts/synthetic/sizes.js';

/**
 * Aho-Corasick over UTF-16 code units: every needle found in `text`, in one pass. (A needle
 * search per leaf would be 10,000 needles x 30,000 leaves.)
 */
function findAll(needles: readonly string[], text: string): Set<string> {
  const goto: Map<number, number>[] = [new Map()];
  const out: string[][] = [[]];
  for (const n of needles) {
    let s = 0;
    for (let i = 0; i < n.length; i++) {
      const c = n.charCodeAt(i);
      let next = goto[s]!.get(c);
      if (next === undefined) {
        next = goto.push(new Map()) - 1;
        out.push([]);
        goto[s]!.set(c, next);
      }
      s = next;
    }
    out[s]!.push(n);
  }
  const fail = new Array<number>(goto.length).fill(0);
  const queue: number[] = [...goto[0]!.values()];
  for (let q = 0; q < queue.length; q++) {
    const r = queue[q]!;
    for (const [c, s] of goto[r]!) {
      queue.push(s);
      let f = fail[r]!;
      while (f !== 0 && !goto[f]!.has(c)) f = fail[f]!;
      const g = goto[f]!.get(c);
      fail[s] = g !== undefined && g !== s ? g : 0;
      out[s]!.push(...out[fail[s]!]!);
    }
  }
  const found = new Set<string>();
  let s = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    while (s !== 0 && !goto[s]!.has(c)) s = fail[s]!;
    s = goto[s]!.get(c) ?? 0;
    for (const n of out[s]!) found.add(n);
  }
  return found;
}

describe('a demo-sized bureau', () => {
  it('the matcher finds what is there', () => {
    expect([...findAll(['he', 'she', 'his', 'hers', '城东区王芳便利店', '王芳'], 'ushers 在城东区王芳便利店')].sort()).toEqual(['he', 'hers', 'she', '城东区王芳便利店', '王芳'].sort());
    expect(findAll(['abc'], 'ab ac bc').size).toBe(0);
  });

  it('leaves no complaint text, comment, individual taxpayer code or name in any leaf', { timeout: 900_000 }, async () => {
    const { db } = await makeDb();
    const signer = signerFromSeed(randomSeed());
    const today = '2026-11-24';
    await ensureAdmin(db, fixedClock(demoStart(today, demoSize, 'leaves')), 'tgo_demo_leaves_admin_token_0000000000');
    const out = await fillDemo({ db, signer, today, size: demoSize, seed: 'leaves' });
    expect(out.failures).toEqual({});

    // What must not be there: every complaint and comment ever written, every individual's code and name.
    const complaints = await db.all<{ text: string }>(sql`select distinct text from complaints where text <> ''`);
    const comments = await db.all<{ t: string }>(sql`select distinct comment as t from feedback_responses where comment is not null
      union select distinct complaint from feedback_responses where complaint is not null`);
    const individuals = [...out.bureau.taxpayers].filter((tp) => tp.category === 'individual');
    const needles = [...new Set([...complaints.map((c) => c.text), ...comments.map((c) => c.t), ...individuals.flatMap((tp) => [tp.code, tp.name])])];
    expect(complaints.length).toBeGreaterThan(0);
    expect(comments.length).toBeGreaterThan(5);
    expect(individuals.length).toBeGreaterThan(1000);

    const leaves = await db.all<{ leaf: string }>(sql`select leaf from audit_entries order by seq`);
    expect(leaves.length).toBeGreaterThan(out.counts.responses + out.counts.decisions);
    // One text: leaves separated by a character no needle contains, so no match spans two leaves.
    const found = findAll(needles, leaves.map((l) => l.leaf).join('\u0000'));
    expect([...found]).toEqual([]);

    // And the leaves that stand for them are there, as commitments.
    const kinds = await db.all<{ action: string; n: number }>(sql`select action, count(*) as n from audit_entries
      where action in ('feedback.submit', 'complaint.file', 'invitation.issue', 'decision.record', 'import.taxpayers', 'import.assignments', 'taxpayer.erase') group by action`);
    expect(Object.fromEntries(kinds.map((k) => [k.action, k.n > 0]))).toEqual({
      'complaint.file': true,
      'decision.record': true,
      'feedback.submit': true,
      'import.assignments': true,
      'import.taxpayers': true,
      'invitation.issue': true,
      'taxpayer.erase': true,
    });
    expect((await verifyLog(db, signer.publicKey)).ok).toBe(true);
  });
});
