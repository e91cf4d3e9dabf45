/**
 * The leaks of issue 12, tried as an outside tester would, through the front door. Each test
 * failed on the code before the fix (tag wave1) and passes after it.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedGrading, standardFixture } from '../support/grading.js';
import { goodForm, postForm } from '../support/feedback.js';
import { followRedirect, pageRequest, signIn } from '../support/pages.js';
import { runScheduled } from '../../src/scheduled.js';
import { defaultPolicy } from '../../scoring/policy.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function world() {
  const t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
  await seedGrading(t.db, standardFixture('2026Q3'));
  const hr1 = await t.userToken('hr', { username: 'hr1' });
  // hr2 is also officer O009 (DESIGN 1: a linked user IS that officer, whatever the role).
  const hr2 = await t.userToken('hr', { username: 'hr2', officerCode: 'O009' });
  const hr3 = await t.userToken('hr', { username: 'hr3' });
  return { t, hr1, hr2, hr3 };
}

const run = async (t: TestApp, token: string, json: Json) => {
  const res = await t.call('POST', '/api/v1/grading-runs', { token, json });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Json;
};

describe('issue 12: one HR user can change everyone’s pay alone', () => {
  it('a run with a tenfold allowance is a what-if that nobody can publish', async () => {
    const { t, hr1, hr3 } = await world();
    const generous = await run(t, hr1, { period: '2026Q3', policy: { ...defaultPolicy, baseAllowance: 30_000 } });
    expect(generous.whatIf).toBe(true);
    expect((await t.call('POST', `/api/v1/grading-runs/${generous.id}/publish`, { token: hr1 })).status).toBe(403); // and it computed it
    expect((await t.call('POST', `/api/v1/grading-runs/${generous.id}/publish`, { token: hr3 })).status).toBe(409);
    expect((await t.db.all(sql`select id from grading_runs where status = 'published'`)).length).toBe(0);
  });

  it('the HR user who computed a run cannot publish it; a second one does', async () => {
    const { t, hr1, hr3 } = await world();
    const r = await run(t, hr1, { period: '2026Q3' });
    expect((await t.call('POST', `/api/v1/grading-runs/${r.id}/publish`, { token: hr1 })).status).toBe(403);
    expect((await t.call('POST', `/api/v1/grading-runs/${r.id}/publish`, { token: hr3 })).status).toBe(200);
    const [paid] = await t.db.all<{ payout: number }>(sql`select max(payout) as payout from grading_results where run_id = ${r.id}`);
    expect(paid!.payout).toBeLessThanOrEqual(3_900);
  });
});

describe('issue 12: an HR user linked to an officer record acts on their own case', () => {
  it('cannot propose a change of their own tier', async () => {
    const { t, hr1, hr2 } = await world();
    const r = await run(t, hr1, { period: '2026Q3' });
    const res = await t.call('POST', `/api/v1/grading-runs/${r.id}/adjustments`, { token: hr2, json: { officerCode: 'O009', toTier: 5, reason: 'I deserve it' } });
    expect(res.status).toBe(403);
    expect(await t.db.all(sql`select id from adjustments`)).toEqual([]);
  });

  it('cannot approve a raise of their own tier proposed by someone else, on the API or the page (refused in Chinese)', async () => {
    const { t, hr1, hr2 } = await world();
    const r = await run(t, hr1, { period: '2026Q3' });
    const [o9] = await t.db.all<{ tier: number }>(sql`select tier from grading_results where run_id = ${r.id} and officer_code = 'O009'`);
    const adj = (await (await t.call('POST', `/api/v1/grading-runs/${r.id}/adjustments`, { token: hr1, json: { officerCode: 'O009', toTier: o9!.tier === 5 ? 4 : o9!.tier + 1, reason: 'raise' } })).json()) as Json;
    expect((await t.call('POST', `/api/v1/adjustments/${adj.id}/decision`, { token: hr2, json: { decision: 'approve', reason: 'fine by me' } })).status).toBe(403);
    const s2 = await signIn(t, hr2);
    const page = await followRedirect(t, await pageRequest(t, 'POST', `/hr/adjustments/${adj.id}/decision`, { session: s2, form: { decision: 'approve', reason: '同意' } }), s2);
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('按照回避规定，任何人不得处理或查看与本人有关的事项');
    expect(await t.db.all(sql`select id from decisions where decider_code = 'O009' and subject_officer_code = 'O009'`)).toEqual([]);
    expect((await t.db.all<{ status: string }>(sql`select status from adjustments`))[0]!.status).toBe('pending');
  });

  it('cannot read the individual responses about themselves, comments and complaints included', async () => {
    const { t, hr2 } = await world();
    await t.db.run(sql`update feedback_responses set comment = 'comment about O009', complaint = 'complaint about O009' where officer_code = 'O009'`);
    expect((await t.call('GET', '/api/v1/feedback/responses?officerCode=O009', { token: hr2 })).status).toBe(403);
    const all = (await (await t.call('GET', '/api/v1/feedback/responses?limit=1000', { token: hr2 })).json()) as { items: Json[] };
    expect(all.items.length).toBeGreaterThan(0);
    expect(all.items.filter((i) => i.officerCode === 'O009')).toEqual([]);
  });
});

describe('issue 12: complaint text and taxpayer identities are in the permanent log', () => {
  it('no leaf holds a complaint’s words, an invitation’s taxpayer or an imported taxpayer’s name, even for the supervisor complained about', async () => {
    const t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
    const hr = await t.userToken('hr');
    const imported = await t.call('POST', '/api/v1/import', {
      token: hr,
      json: {
        units: [{ code: 'U1', name: '城东分局', peerGroup: 'urban' }],
        officers: [
          { code: 'S1', name: '赵督察', unitCode: 'U1', team: 'service', hireDate: '2015-01-01', positionStartDate: '2018-01-01' },
          { code: 'S2', name: '钱督察', unitCode: 'U1', team: 'service', hireDate: '2015-01-01', positionStartDate: '2018-01-01' },
        ],
        taxpayers: [{ code: '92330100MA2LEAK1', name: '城东区孙丽面馆', category: 'individual' }],
      },
    });
    expect(imported.status).toBe(200);
    const intake = await t.userToken('intake');
    const inv = (await (await t.call('POST', '/api/v1/invitations', { token: intake, json: { officerCode: 'S1', taxpayerCode: '92330100MA2LEAK1', interactionRef: 'HALL-LEAK-1' } })).json()) as { token: string };
    expect((await postForm(t, inv.token, { ...goodForm, fileComplaint: '1', complaint: '督察当众训斥我 leak-complaint' })).status).toBe(200);

    const supervisor = await t.userToken('supervisor', { officerCode: 'S1' }); // the one complained about
    const res = await t.call('GET', '/api/v1/audit/entries?from=0&to=1000', { token: supervisor });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { entries: { leaf: string | null }[] };
    const seen = JSON.stringify(body) + body.entries.map((e) => (e.leaf ? Buffer.from(e.leaf, 'base64').toString('utf8') : '')).join('\n');
    const raw = (await t.db.all<{ leaf: string }>(sql`select leaf from audit_entries`)).map((l) => l.leaf).join('\n');
    for (const secret of ['leak-complaint', '92330100MA2LEAK1', '孙丽', 'HALL-LEAK-1']) {
      expect(raw, secret).not.toContain(secret);
      expect(seen, secret).not.toContain(secret);
    }
  });
});

describe('issue 12: the response stays linked to the taxpayer for ever', () => {
  it('once the quarter is published and its appeal window closed, the scheduled jobs cut the link', async () => {
    const { t, hr1, hr3 } = await world();
    const r = await run(t, hr1, { period: '2026Q3' });
    expect((await t.call('POST', `/api/v1/grading-runs/${r.id}/publish`, { token: hr3 })).status).toBe(200);
    const linked = async () =>
      (await t.db.all<{ n: number }>(sql`select count(*) as n from invitations i join feedback_responses r on r.invitation_id = i.id where r.period = '2026Q3' and i.taxpayer_code is not null`))[0]!.n;
    expect(await linked()).toBeGreaterThan(0);
    t.clock.set('2026-10-30T08:00:00.000Z');
    await runScheduled({ db: t.db, clock: t.clock, signer: t.deps.signer, config: t.deps.config! });
    expect(await linked()).toBe(0);
  });
});
