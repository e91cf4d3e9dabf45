/** The hotline import (issue 15): all or nothing, every error named by line and column. */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app.js';
import { json } from '../support/oversight.js';
import { complaintWorld } from '../support/complaints.js';

const post = (t: TestApp, token: string, csv: string, type = 'text/csv; charset=utf-8') =>
  t.call('POST', '/api/v1/complaints/import', { token, body: csv, headers: { 'content-type': type } });
const count = async (t: TestApp) => (await t.db.all<{ n: number }>(sql`select count(*) as n from complaints`))[0]!.n;

describe('importing a 12366 export', () => {
  it('imports a clean file (Chinese headers and category names, BOM, quoted line breaks) and answers each receipt', async () => {
    const t = await makeTestApp();
    const w = await complaintWorld(t);
    const csv = '\uFEFF工单号,受理时间,类别,投诉内容,被投诉人工号,单位代码\r\n' + 'H-001,2026-10-10T09:00:00+08:00,服务态度,"窗口人员\r\n态度生硬",O1,\r\n' + 'H-002,2026-10-11,efficiency,等候两个小时,,U2\r\n';
    const res = await post(t, w.intake, csv);
    expect(res.status, await res.clone().text()).toBe(201);
    const out = await json(res);
    expect(out.imported).toBe(2);
    expect(out.items.map((i: { line: number; ticket: string }) => [i.line, i.ticket])).toEqual([[2, 'H-001'], [4, 'H-002']]);
    const rows = await t.db.all<{ channel: string; category: string; text: string; source_ref: string; officer_code: string | null; unit_code: string; flag_id: string | null }>(
      sql`select * from complaints order by source_ref`,
    );
    expect(rows).toMatchObject([
      { channel: 'hotline_12366', category: 'attitude', text: '窗口人员\n态度生硬', source_ref: '12366:H-001', officer_code: 'O1', unit_code: 'U1' },
      { channel: 'hotline_12366', category: 'efficiency', source_ref: '12366:H-002', officer_code: null, unit_code: 'U2', flag_id: null },
    ]);
    expect(rows[0]!.flag_id).toMatch(/^flg_/);
    for (const item of out.items) expect((await t.call('GET', `/c/${item.receipt}`)).status).toBe(200);
    // The same tickets again: nothing new, 409 naming the lines.
    const again = await post(t, w.hr, csv);
    expect(again.status).toBe(409);
    expect((await json(again)).errors).toEqual([
      { path: 'line 2: ticket', message: '12366:H-001 is already recorded' },
      { path: 'line 4: ticket', message: '12366:H-002 is already recorded' },
    ]);
    expect(await count(t)).toBe(2);
  });

  it('writes nothing when any row is wrong, and names every line and column', async () => {
    const t = await makeTestApp();
    const w = await complaintWorld(t);
    const csv = [
      'ticket,receivedAt,category,text,officerCode,taxpayerCode',
      'A1,2026-10-10,attitude,ok,O1,TP1',
      'A2,2026-10-32,rudeness,,NOPE,',
      'A1,2099-01-01,other,dup,,TPX',
      ',2026-10-10,other,no ticket,,',
    ].join('\n');
    const res = await post(t, w.hr, csv);
    expect(res.status).toBe(400);
    expect((await json(res)).errors).toEqual([
      { path: 'line 3: receivedAt', message: 'not a real date' },
      { path: 'line 3: text', message: 'describe the complaint' },
      { path: 'line 3: category', message: expect.stringContaining('one of attitude') },
      { path: 'line 3: officerCode', message: 'no officer NOPE' },
      { path: 'line 4: ticket', message: 'A1 also on line 2' },
      { path: 'line 4: receivedAt', message: 'in the future' },
      { path: 'line 4: taxpayerCode', message: 'no taxpayer TPX' },
      { path: 'line 5: ticket', message: 'required' },
    ]);
    expect(await count(t)).toBe(0);
    expect((await t.db.all<{ n: number }>(sql`select count(*) as n from flags`))[0]!.n).toBe(0);
  });

  it('refuses a file it cannot read: unknown or missing columns, no rows, not CSV, not UTF-8', async () => {
    const t = await makeTestApp();
    const w = await complaintWorld(t);
    const cols = await json(await post(t, w.hr, 'ticket,when,text\r\nA,1,x\r\n'));
    expect(cols.errors.map((e: { path: string }) => e.path)).toEqual(['line 1: when', 'line 1: receivedAt', 'line 1: category']);
    expect((await json(await post(t, w.hr, 'ticket,receivedAt,category,text\r\n'))).errors).toEqual([{ path: 'line 2', message: 'no rows after the header' }]);
    expect((await post(t, w.hr, '{"a":1}', 'application/json')).status).toBe(415);
    const gbk = await t.call('POST', '/api/v1/complaints/import', {
      token: w.hr,
      body: new Uint8Array([0x74, 0x69, 0x63, 0x6b, 0x65, 0x74, 0x0a, 0xb2, 0xe2]),
      headers: { 'content-type': 'text/csv' },
    });
    expect(gbk.status).toBe(400);
    expect((await t.call('POST', '/api/v1/complaints/import', { token: w.sup.token, body: 'x', headers: { 'content-type': 'text/csv' } })).status).toBe(403);
    expect(await count(t)).toBe(0);
  });

  it('refuses a file with complaints about the importing user (an HR user linked to an officer is that officer): 403 own_case naming the lines, nothing written', async () => {
    const t = await makeTestApp();
    const w = await complaintWorld(t);
    const linked = await t.userToken('hr', { username: 'hr-o1', officerCode: 'O1' });
    const csv = 'ticket,receivedAt,category,text,officerCode\r\nB1,2026-10-10,attitude,about O2,O2\r\nB2,2026-10-10,attitude,about O1,O1\r\nB3,2026-10-11,other,about O1 again,O1\r\n';
    const res = await post(t, linked, csv);
    expect(res.status, await res.clone().text()).toBe(403);
    const body = await json(res);
    expect(body.code).toBe('own_case');
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual(['line 3: officerCode', 'line 4: officerCode']);
    expect(await count(t)).toBe(0);
    // Another HR user imports the same file.
    expect((await post(t, w.hr, csv)).status).toBe(201);
    expect(await count(t)).toBe(3);
  });
});
