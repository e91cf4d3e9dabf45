/**
 * The periodic analysis (issue 15): figures computed by hand from the complaints below, the
 * quarter boundaries, the CSV export.
 */
import { describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { json } from '../support/oversight.js';
import { complaintWorld, fileVia, type ComplaintWorld } from '../support/complaints.js';
import { csvDocument } from '../../src/core/csv.js';

async function fileAll(t: TestApp, w: ComplaintWorld) {
  const list: Record<string, unknown>[] = [
    // 2026Q4
    { channel: 'hotline_12366', category: 'attitude', officerCode: 'O1', receivedAt: '2026-10-01T00:00:00Z' },
    { channel: 'hotline_12366', category: 'attitude', officerCode: 'O1', receivedAt: '2026-10-02' },
    { channel: 'letter', category: 'efficiency', officerCode: 'O2', receivedAt: '2026-10-03' },
    { channel: 'web', category: 'attitude', unitCode: 'U2', receivedAt: '2026-10-04' },
    { channel: 'service_hall', category: 'integrity', receivedAt: '2026-10-05' },
    { channel: 'hotline_12366', category: 'system', unitCode: 'U1', receivedAt: '2026-10-06' },
    // 2026Q3
    { channel: 'letter', category: 'attitude', officerCode: 'O1', receivedAt: '2026-09-30T23:59:59Z' },
    { channel: 'letter', category: 'other', unitCode: 'U2', receivedAt: '2026-07-01' },
    // 2026Q2: in neither
    { channel: 'web', category: 'other', unitCode: 'U1', receivedAt: '2026-06-30T23:00:00Z' },
  ];
  for (const c of list) expect((await fileVia(t, w.intake, c)).status).toBe(201);
}

const zeros = { attitude: 0, efficiency: 0, integrity: 0, law_enforcement: 0, wrong_information: 0, system: 0, other: 0 };
const noChannels = { form: 0, hotline_12366: 0, service_hall: 0, letter: 0, web: 0 };

describe('the complaint summary', () => {
  it('counts by category, channel and unit, beside the quarter before, with top categories per unit', async () => {
    const t = await makeTestApp();
    const w = await complaintWorld(t);
    await fileAll(t, w);
    const res = await t.call('GET', '/api/v1/complaints/summary?period=2026Q4', { token: w.hr });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      period: '2026Q4',
      total: 6,
      byCategory: { ...zeros, attitude: 3, efficiency: 1, integrity: 1, system: 1 },
      byChannel: { ...noChannels, hotline_12366: 3, letter: 1, web: 1, service_hall: 1 },
      byUnit: { U1: 3, U2: 2 },
      withoutUnit: 1,
      previous: {
        period: '2026Q3',
        total: 2,
        byCategory: { ...zeros, attitude: 1, other: 1 },
        byChannel: { ...noChannels, letter: 2 },
        byUnit: { U1: 1, U2: 1 },
        withoutUnit: 0,
      },
      topCategoriesByUnit: {
        U1: [{ category: 'attitude', n: 2 }, { category: 'system', n: 1 }],
        // a tie: in the categories' order
        U2: [{ category: 'attitude', n: 1 }, { category: 'efficiency', n: 1 }],
      },
      unitNames: { U1: 'Unit U1', U2: 'Unit U2' },
    });
    // A supervisor who is an officer sees the same counts (aggregates name nobody).
    expect((await json(await t.call('GET', '/api/v1/complaints/summary?period=2026Q4', { token: w.subject.token }))).total).toBe(6);
    const q3 = await json(await t.call('GET', '/api/v1/complaints/summary?period=2026Q3', { token: w.sup.token }));
    expect(q3).toMatchObject({ total: 2, byUnit: { U1: 1, U2: 1 }, previous: { period: '2026Q2', total: 1, byUnit: { U1: 1, U2: 0 } } });
    expect((await t.call('GET', '/api/v1/complaints/summary?period=2026Q5', { token: w.hr })).status).toBe(400);
  });

  it('exports the same figures as a CSV that opens in Excel', async () => {
    const t = await makeTestApp();
    const w = await complaintWorld(t);
    await fileAll(t, w);
    const res = await t.call('GET', '/api/v1/complaints/summary.csv?period=2026Q4', { token: w.sup.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="complaints-2026Q4.csv"');
    // res.text() would drop the BOM, which is exactly what Excel needs to see.
    const body = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(body.startsWith('\uFEFF')).toBe(true);
    const lines = body.slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe('维度 Dimension,代码 Code,名称 Name,2026Q4,2026Q3,变化 Change');
    expect(lines).toContain('total,,合计 Total,6,2,4');
    expect(lines).toContain('category,attitude,服务态度 Attitude,3,1,2');
    expect(lines).toContain('category,other,其他 Other,0,1,-1');
    expect(lines).toContain('channel,letter,来信 Letter,1,2,-1');
    expect(lines).toContain('unit,U1,Unit U1,3,1,2');
    expect(lines).toContain('unit,,未指明单位 No unit,1,0,1');
    expect(lines).toContain('top:U1,attitude,1. 服务态度 Attitude,2,,');
    expect(body.split('\n').length).toBe(body.split('\r\n').length);
  });

  it('writes cells a spreadsheet would run as formulas as text', () => {
    expect(csvDocument(['h'], [['=SUM(A1)', '+1', '-2', '@x', 'a,b', 'say "hi"', 3, -4, null]])).toBe(`\uFEFFh\r\n'=SUM(A1),'+1,'-2,'@x,"a,b","say ""hi""",3,-4,\r\n`);
  });
});
