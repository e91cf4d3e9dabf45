/**
 * Collective review, spot checks and the public summary on D1, through the Worker: the panel draw
 * (json_each, the audit head), members' votes in guarded D1 batches up to quorum, a quarter's spot
 * check re-run from its seed, and a published summary checked against its leaf. The details are
 * checked by test/decisions, test/spot-checks and test/public-summary.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { workerOnD1 } from './support.js';

const { call, user } = workerOnD1();
const tokens: Record<string, string> = {};
let hr: string;
let sup: string;

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
/** A day in the quarter before this one, and that quarter's code. */
function lastQuarter(): { day: string; code: string } {
  const now = new Date();
  const q = Math.floor(now.getUTCMonth() / 3);
  const start = new Date(Date.UTC(now.getUTCFullYear(), (q - 1) * 3, 10));
  return { day: start.toISOString().slice(0, 10), code: `${start.getUTCFullYear()}Q${Math.floor(start.getUTCMonth() / 3) + 1}` };
}

beforeAll(async () => {
  hr = await user('hr', 'hr-reviews');
  const officers = ['RD', 'RM1', 'RM2', 'RM3', 'RS'].map((code) => ({ code, name: code, unitCode: 'RU1', team: 'assessment', hireDate: '2015-01-01', positionStartDate: '2015-01-01' }));
  const res = await call('POST', '/api/v1/import', {
    token: hr,
    json: {
      units: [{ code: 'RU1', name: '城区分局', peerGroup: 'urban' }],
      officers,
      taxpayers: [{ code: 'RT1', name: 'RT1', category: 'general' }],
      thresholds: [{ decisionType: 'assessed_turnover', amount: 20000, validFrom: '2020-01-01' }],
    },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  for (const c of ['RD', 'RM1', 'RM2', 'RM3']) tokens[c] = await user('officer', `u-${c.toLowerCase()}`, c);
  sup = await user('supervisor', 'sup-reviews');
});

describe('collective review on D1', () => {
  it('draws the panel, takes each member’s vote once, closes at quorum; the draw re-runs', async () => {
    const rec = await call('POST', '/api/v1/decisions', {
      token: tokens.RD,
      json: { type: 'assessed_turnover', taxpayerCode: 'RT1', amount: 19_700, justification: 'invoices', decidedAt: daysAgo(1) },
    });
    expect(rec.status, await rec.clone().text()).toBe(201);
    const { id, status } = (await rec.json()) as { id: string; status: string };
    expect(status).toBe('pending_review');
    const d = (await (await call('GET', `/api/v1/decisions/${id}`, { token: hr })).json()) as { draw: { eligible: string[]; picked: string[]; verified: boolean }; review: { quorum: number } };
    expect(d.draw.eligible).toEqual(['RM1', 'RM2', 'RM3']);
    expect([...d.draw.picked].sort()).toEqual(['RM1', 'RM2', 'RM3']);
    expect(d.draw.verified).toBe(true);
    expect(d.review.quorum).toBe(2);

    const vote = (token: string, v = 'approve') => call('POST', `/api/v1/decisions/${id}/votes`, { token, json: { vote: v, reason: 'read the file' } });
    expect((await vote(tokens.RD!)).status).toBe(403);
    expect((await vote(sup)).status).toBe(403);
    expect((await vote(tokens.RM1!)).status).toBe(201);
    expect((await vote(tokens.RM1!, 'reject')).status).toBe(409);
    const second = await vote(tokens.RM2!);
    expect(((await second.json()) as { status: string }).status).toBe('approved');
    expect((await vote(tokens.RM3!)).status).toBe(409);
    const after = (await (await call('GET', `/api/v1/decisions/${id}`, { token: tokens.RD })).json()) as { status: string; amount: number; panel: { vote?: string }[] };
    expect(after).toMatchObject({ status: 'approved', amount: 19_700 });
    expect(after.panel.filter((p) => p.vote === 'approve')).toHaveLength(2);
  });

  it('draws last quarter’s spot check, re-runs it, and publishes a summary that matches its leaf', async () => {
    const q = lastQuarter();
    for (let i = 0; i < 3; i++) {
      const r = await call('POST', '/api/v1/decisions', { token: tokens[`RM${i + 1}`], json: { type: 'deferral', taxpayerCode: 'RT1', justification: 'hardship', decidedAt: q.day } });
      expect(r.status, await r.clone().text()).toBe(201);
    }
    const drawn = await call('POST', '/api/v1/spot-checks', { token: sup, json: { period: q.code } });
    expect(drawn.status, await drawn.clone().text()).toBe(201);
    const sc = (await drawn.json()) as { id: string; items: { decisionId: string; reviewerCode: string | null }[] };
    expect(sc.items).toHaveLength(3); // one deferral for the type, then one per officer
    expect(sc.items.every((i) => i.reviewerCode === 'sup-reviews')).toBe(true);
    const got = (await (await call('GET', `/api/v1/spot-checks/${sc.id}`, { token: hr })).json()) as { reproducible: boolean };
    expect(got.reproducible).toBe(true);
    const outcome = await call('POST', `/api/v1/spot-checks/${sc.id}/items/${sc.items[0]!.decisionId}`, { token: sup, json: { outcome: 'compliant', note: 'fine' } });
    expect(outcome.status, await outcome.clone().text()).toBe(201);

    const pub = await call('POST', `/api/v1/public/${q.code}`, { token: hr });
    expect(pub.status, await pub.clone().text()).toBe(201);
    const s = (await (await call('GET', `/api/v1/public/${q.code}`)).json()) as { matches: boolean; figures: { spotCheck: { drawn: number; compliant: number } } };
    expect(s.matches).toBe(true);
    expect(s.figures.spotCheck).toMatchObject({ drawn: 3, compliant: 1 });
    const page = await call('GET', `/public/${q.code}`, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('data-matches="true"');
  });
});
