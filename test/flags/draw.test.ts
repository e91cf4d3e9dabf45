import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decisionReviewers, decisions, officers, taxpayers, units, users } from '../../db/schema.js';
import { makeDraw, redraw, seedMessage, EMPTY_TREE_HASH } from '../../src/flags/draw.js';
import { drawReviewer } from '../../src/flags/raise.js';
import { sha256Hex } from '../../src/core/ids.js';
import { fixedClock } from '../../src/core/clock.js';
import { makeDb } from '../support/app.js';

describe('the draw', () => {
  it('is SHA-256 of the seed inputs, index = first 8 bytes mod count over sorted candidates', async () => {
    const inputs = { flagId: 'flg_x', auditSize: 0, auditHeadHash: EMPTY_TREE_HASH };
    const d = await makeDraw(inputs, ['usr_c', 'usr_a', 'usr_b']);
    expect(d.seed).toBe(await sha256Hex(`flg_x\n0\n${EMPTY_TREE_HASH}`));
    expect(seedMessage(inputs)).toBe(`flg_x\n0\n${EMPTY_TREE_HASH}`);
    expect(d.candidates).toEqual(['usr_a', 'usr_b', 'usr_c']);
    expect(d.picked).toBe(d.candidates[Number(BigInt(`0x${d.seed.slice(0, 16)}`) % 3n)]);
    expect(await redraw(d)).toEqual({ ok: true, seed: d.seed, picked: d.picked });
    expect((await redraw({ ...d, seedInputs: { ...inputs, auditSize: 1 } })).ok).toBe(false);
    const empty = await makeDraw(inputs, []);
    expect(empty.picked).toBeNull();
  });

  it('never picks an ineligible reviewer, and anyone can re-run it (property)', async () => {
    const world = fc.record({
      supervisorOf: fc.array(fc.option(fc.nat(7), { nil: null }), { minLength: 8, maxLength: 8 }),
      users: fc.array(fc.record({ officer: fc.option(fc.nat(7), { nil: null }), disabled: fc.boolean(), role: fc.constantFrom('supervisor', 'supervisor', 'hr') }), { minLength: 0, maxLength: 8 }),
      subject: fc.nat(7),
      decider: fc.nat(7),
      panel: fc.uniqueArray(fc.nat(7), { maxLength: 3 }),
      flagId: fc.stringMatching(/^flg_[a-z0-9]{1,12}$/),
    });
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        const { db, close } = await makeDb();
        try {
          const code = (i: number) => `O${i}`;
          await db.insert(units).values({ code: 'U', name: 'U', peerGroup: 'g' });
          await db.insert(officers).values(w.supervisorOf.map((s, i) => ({
            code: code(i), name: code(i), unitCode: 'U', team: 't', hireDate: '2020-01-01', positionStartDate: '2020-01-01', supervisorCode: s === null ? null : code(s),
          })));
          const userRows = w.users.map((u, i) => ({
            id: `usr_${String.fromCharCode(97 + ((i * 5) % 26))}${i}`, username: `u${i}`, role: u.role as 'supervisor' | 'hr',
            officerCode: u.officer === null ? null : code(u.officer), createdAt: '2026-01-01T00:00:00.000Z', disabledAt: u.disabled ? '2026-02-01T00:00:00.000Z' : null,
          }));
          if (userRows.length) await db.insert(users).values(userRows);
          await db.insert(taxpayers).values({ code: 'T', name: 'T', category: 'general' });
          await db.insert(decisions).values({ id: 'dec_1', type: 'assessed_turnover', deciderUserId: 'usr_decider', deciderCode: code(w.decider), taxpayerCode: 'T', justification: 'j', decidedAt: '2026-01-01', recordedAt: '2026-01-01T00:00:00.000Z' });
          if (w.panel.length) await db.insert(decisionReviewers).values(w.panel.map((p) => ({ decisionId: 'dec_1', officerCode: code(p), vote: 'approve' as const })));

          // Expected eligibility, computed independently of the SQL.
          const chain = new Set<string>();
          for (let s = w.supervisorOf[w.subject]; s !== null && s !== undefined && !chain.has(code(s)); s = w.supervisorOf[s]) chain.add(code(s));
          const involved = new Set([code(w.subject), code(w.decider), ...w.panel.map(code)]);
          const expected = userRows
            .filter((u) => u.role === 'supervisor' && !u.disabledAt && !(u.officerCode && (chain.has(u.officerCode) || involved.has(u.officerCode))))
            .map((u) => u.id)
            .sort();

          const ctx = { db, clock: fixedClock('2026-10-15T00:00:00.000Z'), actor: { kind: 'system', name: 't' }, config: {} as never, signer: {} as never } as const;
          const draw = await drawReviewer(ctx as never, w.flagId, code(w.subject), { decisionIds: ['dec_1'] });
          expect(draw.candidates).toEqual(expected);
          if (expected.length) expect(expected).toContain(draw.picked);
          else expect(draw.picked).toBeNull();
          expect((await redraw(JSON.parse(JSON.stringify(draw)))).ok).toBe(true);
          // Same inputs, same pick.
          expect((await drawReviewer(ctx as never, w.flagId, code(w.subject), { decisionIds: ['dec_1'] })).picked).toBe(draw.picked);
        } finally {
          close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
