/**
 * The officer self-service world: the grading fixture of 2026Q3 with a published run, an
 * unpublished run of 2026Q2 (must never reach an officer), taxpayers to decide about, and signed-in
 * users. Runs go through the API, as HR would start and publish them.
 */
import { expect } from 'vitest';
import { makeTestApp, type TestApp } from './app.js';
import { seedGrading, standardFixture } from './grading.js';
import { signIn, type PageSession } from './pages.js';
import { taxpayer } from './oversight.js';

export interface OfficerWorld {
  t: TestApp;
  hr: string;
  publishedRun: string;
  unpublishedRun: string;
  /** Officer O004 (李四), signed in. */
  officerToken: string;
  officer: PageSession;
}

export async function officerWorld(now = '2026-10-10T08:00:00.000Z'): Promise<OfficerWorld> {
  const t = await makeTestApp({ now });
  await seedGrading(t.db, standardFixture('2026Q3'));
  await taxpayer(t, 'TP-A');
  await taxpayer(t, 'TP-B');
  const hr = await t.userToken('hr', { username: 'hr-zhao' });
  // Maker-checker: a second HR user publishes what hr-zhao computed.
  const publisher = await t.userToken('hr', { username: 'hr-qian' });
  const run = await t.call('POST', '/api/v1/grading-runs', { token: hr, json: { period: '2026Q3' } });
  expect(run.status).toBe(201);
  const publishedRun = ((await run.json()) as { id: string }).id;
  expect((await t.call('POST', `/api/v1/grading-runs/${publishedRun}/publish`, { token: publisher })).status).toBe(200);
  const draft = await t.call('POST', '/api/v1/grading-runs', { token: hr, json: { period: '2026Q2' } });
  expect(draft.status).toBe(201);
  const unpublishedRun = ((await draft.json()) as { id: string }).id;
  const officerToken = await t.userToken('officer', { username: 'li-si', officerCode: 'O004' });
  return { t, hr, publishedRun, unpublishedRun, officerToken, officer: await signIn(t, officerToken) };
}
