/** Response rates per officer and unit (issue 15), with figures worked out by hand below. */
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app.js';
import { goodForm, invite, postForm, seedFeedbackWorld } from '../support/feedback.js';
import { officer, unit } from '../support/oversight.js';

describe('response rates', () => {
  it('counts invitations of the quarter, those answered, the rate, and lists officers with too few responses', async () => {
    const t = await makeTestApp({ now: '2026-09-20T08:00:00.000Z' });
    const w = await seedFeedbackWorld(t); // O1, O2, O3 in U1
    await unit(t, 'U2');
    await officer(t, 'O4', { unit: 'U2' });
    // 2026Q3: one invitation for O1, answered in Q4.
    const late = await invite(t, w, 'O1');
    t.clock.set('2026-10-15T08:00:00.000Z');
    expect((await postForm(t, late.token, goodForm)).status).toBe(200);
    // 2026Q4: O1 4 invited, 3 answered; O2 2 invited, none answered; O3 none; O4 5 invited, 5 answered (one voided later).
    const answer = async (code: string, n: number, of: number) => {
      for (let i = 0; i < of; i++) {
        const inv = await invite(t, w, code);
        if (i < n) expect((await postForm(t, inv.token, goodForm)).status).toBe(200);
      }
    };
    await answer('O1', 3, 4);
    await answer('O2', 0, 2);
    await answer('O4', 5, 5);
    const sup = await t.userToken('supervisor', { username: 'rates-sup' });
    const responses = (await (await t.call('GET', '/api/v1/feedback/responses?officerCode=O4', { token: sup })).json()) as { items: { id: string }[] };
    expect((await t.call('POST', `/api/v1/feedback/responses/${responses.items[0]!.id}/void`, { token: sup, json: { reason: 'same visitor twice' } })).status).toBe(200);

    const res = await t.call('GET', '/api/v1/feedback/summary?period=2026Q4', { token: w.hr });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      period: '2026Q4',
      officers: [
        { officerCode: 'O1', unitCode: 'U1', invited: 4, answered: 3, responseRate: 0.75, responses: 4 },
        { officerCode: 'O2', unitCode: 'U1', invited: 2, answered: 0, responseRate: 0, responses: 0 },
        { officerCode: 'O3', unitCode: 'U1', invited: 0, answered: 0, responseRate: null, responses: 0 },
        { officerCode: 'O4', unitCode: 'U2', invited: 5, answered: 5, responseRate: 1, responses: 4 },
      ],
      units: [
        { unitCode: 'U1', unitName: '第一税务分局', invited: 6, answered: 3, responseRate: 0.5, responses: 4 },
        { unitCode: 'U2', unitName: 'Unit U2', invited: 5, answered: 5, responseRate: 1, responses: 4 },
      ],
      lowResponse: {
        minResponses: 10,
        officers: [
          { officerCode: 'O2', unitCode: 'U1', responses: 0 },
          { officerCode: 'O3', unitCode: 'U1', responses: 0 },
          { officerCode: 'O1', unitCode: 'U1', responses: 4 },
          { officerCode: 'O4', unitCode: 'U2', responses: 4 },
        ],
      },
    });
    const q3 = (await (await t.call('GET', '/api/v1/feedback/summary?period=2026Q3', { token: w.hr })).json()) as { officers: { officerCode: string; invited: number; answered: number }[] };
    expect(q3.officers.find((o) => o.officerCode === 'O1')).toMatchObject({ invited: 1, answered: 1 });

    // One officer's summary carries their own rate; an officer sees only their own.
    const own = await t.userToken('officer', { username: 'rates-o1', officerCode: 'O1' });
    expect(await (await t.call('GET', '/api/v1/feedback/summary?officerCode=O1&period=2026Q4', { token: own })).json()).toMatchObject({ n: 4, invited: 4, answered: 3, responseRate: 0.75, averages: null });
    expect((await t.call('GET', '/api/v1/feedback/summary?period=2026Q4', { token: own })).status).toBe(403);

    // The HR console page shows the same.
    const { html } = await (async () => {
      const login = await t.call('POST', '/login', {
        body: new URLSearchParams({ token: w.hr, next: '/hr/response-rates' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
      });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      const page = await t.call('GET', '/hr/response-rates?period=2026Q4', { headers: { cookie } });
      return { html: await page.text() };
    })();
    expect(html).toMatch(/<tr data-unit="U1"><td>第一税务分局 \(U1\)<\/td><td class="num">6<\/td><td class="num">3<\/td><td class="num">50\.0%<\/td><td class="num">4<\/td><\/tr>/);
    expect(html.match(/data-low-officer="/g)).toHaveLength(4);
    expect(html).toContain('评价不足 10 份的税务人员');
  });
});
