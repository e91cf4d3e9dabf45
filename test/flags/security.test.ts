/** Every decisions/flags route against every role: who gets in, and who gets 401/403. */
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { decisionsFor, json, officer, supervisor } from '../support/oversight.js';

type Who = 'anonymous' | 'admin' | 'hr' | 'supervisor' | 'officer' | 'intake';
let t: TestApp;
const tokens: Partial<Record<Who, string>> = {};
let flagId: string;
let decisionId: string;

beforeAll(async () => {
  t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
  await officer(t, 'O1');
  await officer(t, 'O2');
  tokens.admin = t.adminToken;
  tokens.hr = await t.userToken('hr');
  tokens.officer = await t.userToken('officer', { officerCode: 'O2' });
  tokens.intake = await t.userToken('intake');
  tokens.supervisor = (await supervisor(t, 'sup-sec')).token;
  await decisionsFor(t, Array.from({ length: 7 }, () => ({ decider: 'O1', amount: 19_000, threshold: 20_000 })));
  [decisionId] = await decisionsFor(t, [{ decider: 'O2', amount: 5 }]);
  await t.call('POST', '/api/v1/flags/scan', { token: tokens.supervisor });
  flagId = (await json(await t.call('GET', '/api/v1/flags?rule=threshold_bunching', { token: tokens.hr }))).items[0].id;
});

const routes: { name: string; method: string; path: () => string; body?: unknown; allowed: Who[] }[] = [
  { name: 'record a decision', method: 'POST', path: () => '/api/v1/decisions', body: { type: 'deferral', taxpayerCode: 'TP1', justification: 'j', decidedAt: '2026-10-01' }, allowed: ['officer'] },
  { name: 'list decisions', method: 'GET', path: () => '/api/v1/decisions', allowed: ['hr', 'supervisor', 'officer'] },
  { name: 'get a decision', method: 'GET', path: () => `/api/v1/decisions/${decisionId}`, allowed: ['hr', 'supervisor', 'officer'] },
  { name: 'scan', method: 'POST', path: () => '/api/v1/flags/scan', allowed: ['hr', 'supervisor'] },
  { name: 'list flags', method: 'GET', path: () => '/api/v1/flags', allowed: ['hr', 'supervisor'] },
  { name: 'get a flag', method: 'GET', path: () => `/api/v1/flags/${flagId}`, allowed: ['hr', 'supervisor'] },
  { name: 'transition a flag', method: 'POST', path: () => `/api/v1/flags/${flagId}/transition`, body: { to: 'in_review', reason: 'r' }, allowed: ['supervisor'] },
];
const everyone: Who[] = ['anonymous', 'admin', 'hr', 'supervisor', 'officer', 'intake'];

describe.each(routes)('$name', (route) => {
  it.each(everyone)('as %s', async (who) => {
    const res = await t.call(route.method, route.path(), { token: who === 'anonymous' ? undefined : tokens[who], json: route.body });
    const expected = route.allowed.includes(who) ? [200, 201] : who === 'anonymous' ? [401] : [403];
    expect(expected, `${route.method} ${route.path()} as ${who}: ${res.status} ${await res.clone().text()}`).toContain(res.status);
  });
});
