/** The grading-run tests' world: the standard 2026Q3 fixture and three HR users (test/grading/runs*.test.ts). */
import { expect } from 'vitest';
import { makeTestApp, type TestApp } from './app.js';
import { seedGrading, standardFixture } from './grading.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export async function setup() {
  const t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
  const fixture = standardFixture('2026Q3');
  await seedGrading(t.db, fixture);
  const hr1 = await t.userToken('hr', { username: 'hr1' });
  const hr2 = await t.userToken('hr', { username: 'hr2' });
  const hr3 = await t.userToken('hr', { username: 'hr3' });
  return { t, fixture, hr1, hr2, hr3 };
}

export async function body(res: Response): Promise<Json> {
  return (await res.json()) as Json;
}

export async function start(t: TestApp, token: string, json: Json = { period: '2026Q3' }) {
  const res = await t.call('POST', '/api/v1/grading-runs', { token, json });
  expect(res.status, await res.clone().text()).toBe(201);
  return body(res);
}
