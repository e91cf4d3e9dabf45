import { beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedFeedbackWorld } from '../support/feedback.js';
import type { Role } from '../../db/schema.js';

type Who = Role | 'anonymous';
const everyone: Who[] = ['anonymous', 'admin', 'hr', 'supervisor', 'officer', 'intake'];

let n = 0;
const routes: { name: string; call: (t: TestApp, token?: string) => Promise<Response>; allowed: Who[] }[] = [
  {
    name: 'POST /api/v1/invitations',
    call: (t, token) => t.call('POST', '/api/v1/invitations', { token, json: { officerCode: 'O1', taxpayerCode: 'T001', interactionRef: `sec-${++n}` } }),
    allowed: ['hr', 'intake'],
  },
  {
    name: 'POST /api/v1/return-visits',
    call: (t, token) => t.call('POST', '/api/v1/return-visits', { token, json: { period: '2026Q3', perOfficer: 1 } }),
    allowed: ['hr'],
  },
  {
    name: 'GET /api/v1/return-visits/{id}',
    call: (t, token) => t.call('GET', '/api/v1/return-visits/rvs_none', { token }),
    allowed: ['hr', 'supervisor'],
  },
  {
    name: 'GET /api/v1/feedback/summary (own record for the officer)',
    call: (t, token) => t.call('GET', '/api/v1/feedback/summary?officerCode=O1&period=2026Q4', { token }),
    allowed: ['hr', 'supervisor', 'officer'],
  },
  {
    name: 'GET /api/v1/feedback/responses',
    call: (t, token) => t.call('GET', '/api/v1/feedback/responses?officerCode=O1', { token }),
    allowed: ['hr', 'supervisor'],
  },
  {
    name: 'POST /api/v1/feedback/responses/{id}/void',
    call: (t, token) => t.call('POST', '/api/v1/feedback/responses/fbr_none/void', { token, json: { reason: 'test reason' } }),
    allowed: ['supervisor'],
  },
];

describe('feedback API: every route x every role', () => {
  let t: TestApp;
  const tokens: Partial<Record<Who, string>> = {};
  beforeAll(async () => {
    t = await makeTestApp();
    await seedFeedbackWorld(t);
    tokens.admin = t.adminToken;
    tokens.hr = await t.userToken('hr');
    tokens.intake = await t.userToken('intake');
    tokens.officer = await t.userToken('officer', { officerCode: 'O1' });
    tokens.supervisor = await t.userToken('supervisor', { officerCode: 'O2' });
  });

  describe.each(routes)('$name', (route) => {
    it.each(everyone)('as %s', async (who) => {
      const res = await route.call(t, tokens[who as Role]);
      if (who === 'anonymous') expect(res.status).toBe(401);
      else if (!route.allowed.includes(who)) expect(res.status).toBe(403);
      else expect([200, 201, 404]).toContain(res.status);
      expect(res.headers.get('content-type')).toMatch(/json/);
    });
  });
});
