/** Factories for the feedback tests: a unit, officers, taxpayers and assignments, unique per test. */
import { assignments, officers, taxpayers, units } from '../../db/schema.js';
import type { TestApp } from './app.js';

export interface FeedbackWorld {
  hr: string;
  intake: string;
  officers: string[];
  taxpayers: string[];
}

export async function seedFeedbackWorld(
  t: TestApp,
  opts: { officers?: number; taxpayers?: number; leftOfficer?: boolean } = {},
): Promise<FeedbackWorld> {
  const nOff = opts.officers ?? 3;
  const nTp = opts.taxpayers ?? 10;
  await t.db.insert(units).values({ code: 'U1', name: '第一税务分局', peerGroup: 'urban' });
  const officerCodes: string[] = [];
  for (let i = 1; i <= nOff; i++) {
    const code = `O${i}`;
    officerCodes.push(code);
    await t.db.insert(officers).values({
      code,
      name: `税务员${i}`,
      unitCode: 'U1',
      team: 'service',
      hireDate: '2015-01-01',
      positionStartDate: '2018-01-01',
      supervisorCode: i === 1 ? null : 'O1',
    });
  }
  if (opts.leftOfficer) {
    await t.db.insert(officers).values({
      code: 'OLEFT',
      name: '已离职',
      unitCode: 'U1',
      team: 'service',
      hireDate: '2015-01-01',
      positionStartDate: '2018-01-01',
      leaveDate: '2026-09-30',
    });
  }
  const tpCodes: string[] = [];
  for (let i = 1; i <= nTp; i++) {
    const code = `T${String(i).padStart(3, '0')}`;
    tpCodes.push(code);
    await t.db.insert(taxpayers).values({ code, name: `纳税人${i}`, category: 'general' });
  }
  return { hr: await t.userToken('hr'), intake: await t.userToken('intake'), officers: officerCodes, taxpayers: tpCodes };
}

export async function assign(t: TestApp, taxpayerCode: string, officerCode: string, from: string, to?: string) {
  await t.db.insert(assignments).values({ taxpayerCode, officerCode, from, to: to ?? null });
}

let refs = 0;

/** Issues an invitation through the API and returns its body. */
export async function invite(t: TestApp, w: FeedbackWorld, officerCode = w.officers[0]!, taxpayerCode = w.taxpayers[0]!) {
  const res = await t.call('POST', '/api/v1/invitations', {
    token: w.intake,
    json: { officerCode, taxpayerCode, interactionRef: `ix-${++refs}-${Math.random().toString(36).slice(2)}` },
  });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; token: string; url: string; expiresAt: string };
}

export const goodForm = { professionalism: '5', attitude: '4', efficiency: '3', integrity: '5', comment: '很好' };

/** Posts the form (form-encoded) as a taxpayer's browser would. */
export function postForm(t: TestApp, token: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return t.call('POST', `/f/${token}`, {
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', ...headers },
  });
}
