/**
 * A small bureau for the fuzz suite, built through the API only (so the Node and the Workers suite
 * build it the same way): users of every role, master data, a decision, a published grading run,
 * an invitation and the flags a scan raises. Its ids, codes and tokens become the pools generated
 * requests draw from, so a good share of them reach real records.
 */
import type { Call, Caller, Pools } from './engine.js';

export interface World {
  callers: Caller[];
  pools: Pools;
}

export async function buildWorld(call: Call, adminToken: string, tag = 'fz'): Promise<World> {
  const send = async (method: string, path: string, token: string | undefined, json?: unknown) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (json !== undefined) headers['content-type'] = 'application/json';
    const res = await call(method, path, { headers, body: json === undefined ? undefined : JSON.stringify(json) });
    const text = await res.text();
    return { status: res.status, body: (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, any> };
  };
  const ids: string[] = [];
  const user = async (name: string, role: string, officerCode?: string) => {
    const r = await send('POST', '/api/v1/users', adminToken, { username: `${tag}-${name}`, role, officerCode });
    if (r.status !== 201) throw new Error(`fuzz world: user ${name}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as { id: string; token: string; tokenId: string };
  };
  const hr = await user('hr', 'hr');
  const hr2 = await user('hr2', 'hr');
  const U = (s: string) => `${tag.toUpperCase()}${s}`;
  const imported = await send('POST', '/api/v1/import', hr.token, {
    units: [
      { code: U('U1'), name: '第一分局', peerGroup: 'urban' },
      { code: U('U2'), name: '县局', peerGroup: 'county' },
    ],
    officers: [
      { code: U('SUP'), name: '王主任', unitCode: U('U2'), team: 'service', hireDate: '2005-01-01', positionStartDate: '2010-01-01' },
      { code: U('O1'), name: '张伟', unitCode: U('U1'), team: 'assessment', hireDate: '2015-03-01', positionStartDate: '2018-01-01', supervisorCode: U('SUP') },
      { code: U('O2'), name: '李娜', unitCode: U('U1'), team: 'service', hireDate: '2019-07-01', positionStartDate: '2019-07-01', supervisorCode: U('SUP') },
    ],
    taxpayers: [
      { code: U('T1'), name: '某某有限公司', category: 'general' },
      { code: U('T2'), name: '个体户', category: 'individual' },
    ],
    assignments: [{ taxpayerCode: U('T1'), officerCode: U('O1'), from: '2026-01-01' }],
    workload: [
      { officerCode: U('O1'), period: '2026Q3', kind: 'key_taxpayer', count: 12 },
      { officerCode: U('O2'), period: '2026Q3', kind: 'key_taxpayer', count: 7 },
    ],
    assessments: [{ officerCode: U('O1'), category: 'tax_law', raw: 80, max: 100, takenOn: '2026-08-10' }],
    thresholds: [{ decisionType: 'assessed_turnover', amount: 20000, validFrom: '2025-01-01' }],
  });
  if (imported.status !== 200) throw new Error(`fuzz world: import: ${imported.status} ${JSON.stringify(imported.body)}`);
  const sup = await user('sup', 'supervisor', U('SUP'));
  const officer = await user('officer', 'officer', U('O1'));
  const officer2 = await user('officer2', 'officer', U('O2'));
  const intake = await user('intake', 'intake');
  // A user whose token the fuzz may revoke without silencing one of its callers.
  const victim = await user('victim', 'intake');
  ids.push(hr.id, victim.id, victim.tokenId);

  const decided = await send('POST', '/api/v1/decisions', officer.token, { type: 'deferral', taxpayerCode: U('T1'), justification: 'Hardship, documented.', decidedAt: '2026-09-30' });
  if (decided.status === 201) ids.push(decided.body.id);
  const decided2 = await send('POST', '/api/v1/decisions', officer2.token, { type: 'assessed_turnover', taxpayerCode: U('T2'), amount: 19_900, justification: 'Near the threshold.', decidedAt: '2026-09-29' });
  if (decided2.status === 201) ids.push(decided2.body.id);
  const run = await send('POST', '/api/v1/grading-runs', hr.token, { period: '2026Q3' });
  if (run.status === 201) {
    ids.push(run.body.id);
    await send('POST', `/api/v1/grading-runs/${run.body.id}/publish`, hr2.token);
  }
  const whatIf = await send('POST', '/api/v1/grading-runs', hr.token, { period: '2026Q3' });
  if (whatIf.status === 201) ids.push(whatIf.body.id);
  const tokens: string[] = [];
  const invited = await send('POST', '/api/v1/invitations', intake.token, { officerCode: U('O1'), taxpayerCode: U('T1'), interactionRef: `${tag}-visit-1` });
  if (invited.status === 201) tokens.push(invited.body.token);
  await send('POST', '/api/v1/flags/scan', sup.token);
  const flags = await send('GET', '/api/v1/flags', sup.token);
  for (const f of (flags.body.items ?? []) as { id: string }[]) ids.push(f.id);

  const codes = [U('O1'), U('O2'), U('SUP'), U('T1'), U('U1')];
  return {
    callers: [
      { name: 'admin', token: adminToken },
      { name: 'hr', token: hr.token },
      { name: 'supervisor', token: sup.token },
      { name: 'officer', token: officer.token },
      { name: 'intake', token: intake.token },
      { name: 'bogus token', token: 'tgo_not_a_token_of_this_service_000000000000' },
      { name: 'anonymous' },
    ],
    pools: {
      id: ids,
      a: ids,
      b: ids,
      runId: ids,
      token: tokens,
      officerCode: codes,
      unitCode: [U('U1'), U('U2')],
      unit: [U('U1')],
      taxpayerCode: [U('T1'), U('T2')],
      period: ['2026Q3', '2026Q4', '2026Q2'],
      code: codes,
      // Values body fields need to pass (dates, times, types), drawn for any string field.
      date: ['2026-09-30', '2026-10-01', '2026-10-01T09:00:00.000Z'],
      word: ['deferral', 'assessed_turnover', 'penalty_waiver', 'approve', 'reject', 'in_review', 'closed', 'confirmed', 'Hardship, documented.'],
    },
  };
}
