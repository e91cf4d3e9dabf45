import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { assignments, auditEntries, officers, periods, thresholds, units, workload } from '../../db/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { canonicalJson } from '../../src/audit/canonical.js';
import { sha256Hex } from '../../src/core/ids.js';
import { importData } from '../../src/imports/import.js';
import { canonicalRows } from '../../src/imports/write.js';

type Problem = { status: number; code: string; detail: string; errors?: { path: string; message: string }[] };

const base = () => ({
  units: [
    { code: 'U1', name: '第一税务分局', peerGroup: 'urban' },
    { code: 'U2', name: 'County bureau', peerGroup: 'county' },
  ],
  officers: [
    { code: 'O1', name: '张伟', unitCode: 'U1', team: 'assessment', hireDate: '2015-03-01', positionStartDate: '2018-01-01' },
    { code: 'O2', name: '李娜', unitCode: 'U1', team: 'service', hireDate: '2020-07-01', positionStartDate: '2020-07-01', supervisorCode: 'O1' },
    { code: 'O3', name: '王芳', unitCode: 'U2', team: 'risk', hireDate: '2010-01-04', positionStartDate: '2012-05-01', leaveDate: '2026-08-31' },
  ],
  taxpayers: [
    { code: 'T1', name: '某某贸易有限公司', category: 'key' },
    { code: 'T2', name: 'General Co', category: 'general' },
  ],
  assignments: [
    { taxpayerCode: 'T1', officerCode: 'O1', from: '2024-01-01', to: '2025-01-01' },
    { taxpayerCode: 'T1', officerCode: 'O2', from: '2025-01-01' },
    { taxpayerCode: 'T2', officerCode: 'O1', from: '2023-04-01' },
  ],
  workload: [
    { officerCode: 'O1', period: '2026Q3', kind: 'key_taxpayer', count: 10 },
    { officerCode: 'O2', period: '2026Q3', kind: 'invoice_review', count: 120.5 },
    { officerCode: 'O1', period: '2026Q2', kind: 'arrears_case', count: 0 },
  ],
  assessments: [{ officerCode: 'O1', category: 'tax_law', raw: 80, max: 100, takenOn: '2026-05-01' }],
  thresholds: [{ decisionType: 'assessed_turnover', amount: 20000, validFrom: '2026-01-01' }],
});

async function setup() {
  const t = await makeTestApp();
  const hr = await t.userToken('hr');
  const post = (json: unknown) => t.call('POST', '/api/v1/import', { token: hr, json });
  const csv = (kind: string, text: string) =>
    t.call('POST', `/api/v1/import?kind=${kind}`, { token: hr, body: text, headers: { 'content-type': 'text/csv; charset=utf-8' } });
  return { t, hr, post, csv };
}

const count = async (t: TestApp, table: string) => (await t.db.all<{ n: number }>(sql.raw(`select count(*) as n from ${table}`)))[0]!.n;

async function expectProblem(res: Response, status = 400): Promise<Problem> {
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = (await res.json()) as Problem;
  expect(res.status, JSON.stringify(body)).toBe(status);
  return body;
}

describe('JSON import', () => {
  it('imports every kind and reads them back', async () => {
    const { t, hr, post } = await setup();
    const res = await post(base());
    expect(res.status).toBe(200);
    const out = (await res.json()) as { importId: string; imported: Record<string, number> };
    expect(out.imported).toEqual({ units: 2, officers: 3, taxpayers: 2, assignments: 3, workload: 3, assessments: 1, thresholds: 1 });

    const o3 = (await t.db.select().from(officers).where(sql`code = 'O3'`))[0]!;
    expect(o3).toEqual({ code: 'O3', name: '王芳', unitCode: 'U2', team: 'risk', hireDate: '2010-01-04', positionStartDate: '2012-05-01', leaveDate: '2026-08-31', supervisorCode: null });
    expect(await t.db.select().from(periods).orderBy(periods.code)).toEqual([
      { code: '2026Q2', startDate: '2026-04-01', endDate: '2026-06-30' },
      { code: '2026Q3', startDate: '2026-07-01', endDate: '2026-09-30' },
    ]);
    expect((await t.db.select().from(assignments)).length).toBe(3);
    expect(await t.db.select().from(thresholds)).toEqual([{ decisionType: 'assessed_turnover', validFrom: '2026-01-01', validTo: null, amount: 20000 }]);

    const list = async (path: string) => {
      const r = await t.call('GET', path, { token: hr });
      expect(r.status).toBe(200);
      return (await r.json()) as { items: Record<string, unknown>[]; nextCursor: string | null };
    };
    expect((await list('/api/v1/units')).items.map((u) => u.code)).toEqual(['U1', 'U2']);
    expect((await list('/api/v1/officers?unitCode=U1')).items.map((o) => o.code)).toEqual(['O1', 'O2']);
    expect((await list('/api/v1/officers')).items[1]).toMatchObject({ code: 'O2', supervisorCode: 'O1', leaveDate: null });
    expect((await list('/api/v1/taxpayers')).items).toEqual([
      { code: 'T1', name: '某某贸易有限公司', category: 'key' },
      { code: 'T2', name: 'General Co', category: 'general' },
    ]);
    expect((await list('/api/v1/periods')).items.map((p) => p.code)).toEqual(['2026Q2', '2026Q3']);
  });

  it('writes one audit entry per kind, with the count, the digest of the canonical rows and the rows', async () => {
    const { t, post } = await setup();
    const before = await count(t, 'audit_entries');
    const input = base();
    const out = (await (await post(input)).json()) as { importId: string };
    const entries = await t.db.select().from(auditEntries).where(sql`seq >= ${before}`).orderBy(auditEntries.seq);
    expect(entries.map((e) => e.action)).toEqual(['import.units', 'import.officers', 'import.taxpayers', 'import.assignments', 'import.workload', 'import.assessments', 'import.thresholds']);
    expect(entries.every((e) => e.entityId === out.importId && e.entity === 'import')).toBe(true);
    const officersLeaf = JSON.parse(entries[1]!.leaf) as { payload: { count: number; digest: string; rows: unknown[]; source: string } };
    expect(officersLeaf.payload.count).toBe(3);
    expect(officersLeaf.payload.source).toBe('json');
    expect(officersLeaf.payload.rows).toEqual(input.officers);
    expect(officersLeaf.payload.digest).toBe(await sha256Hex(canonicalJson(input.officers)));
    const wl = JSON.parse(entries[4]!.leaf) as { payload: { periods: string[] } };
    expect(wl.payload.periods).toEqual(['2026Q2', '2026Q3']);
  });

  it('upserts by key: names, counts and scores are replaced, not duplicated', async () => {
    const { t, post } = await setup();
    expect((await post(base())).status).toBe(200);
    const res = await post({
      units: [{ code: 'U1', name: '第一税务分局（新）', peerGroup: 'urban' }],
      officers: [{ code: 'O3', name: '王芳', unitCode: 'U1', team: 'risk', hireDate: '2010-01-04', positionStartDate: '2012-05-01' }],
      workload: [{ officerCode: 'O1', period: '2026Q3', kind: 'key_taxpayer', count: 12 }],
      assessments: [{ officerCode: 'O1', category: 'tax_law', raw: 90, max: 100, takenOn: '2026-05-01' }],
      thresholds: [{ decisionType: 'assessed_turnover', amount: 15000, validFrom: '2026-01-01', validTo: '2026-12-31' }],
    });
    expect(res.status).toBe(200);
    expect(await count(t, 'units')).toBe(2);
    expect((await t.db.select().from(units).where(sql`code = 'U1'`))[0]!.name).toBe('第一税务分局（新）');
    // An upsert replaces the whole row: the absent leaveDate is cleared.
    expect((await t.db.select().from(officers).where(sql`code = 'O3'`))[0]).toMatchObject({ unitCode: 'U1', leaveDate: null });
    expect(await t.db.select({ count: workload.count }).from(workload).where(sql`officer_code = 'O1' and period = '2026Q3'`)).toEqual([{ count: 12 }]);
    expect(await count(t, 'workload')).toBe(3);
    expect(await count(t, 'assessments')).toBe(1);
    expect((await t.db.select().from(thresholds))[0]).toMatchObject({ amount: 15000, validTo: '2026-12-31' });
  });

  it('closes an open assignment and opens the next one in the same import', async () => {
    const { t, post } = await setup();
    expect((await post(base())).status).toBe(200);
    const res = await post({
      assignments: [
        { taxpayerCode: 'T2', officerCode: 'O3', from: '2026-07-01' },
        { taxpayerCode: 'T2', officerCode: 'O1', from: '2023-04-01', to: '2026-07-01' },
      ],
    });
    expect(res.status).toBe(200);
    const rows = await t.db.select().from(assignments).where(sql`taxpayer_code = 'T2'`).orderBy(assignments.from);
    expect(rows).toEqual([
      { taxpayerCode: 'T2', officerCode: 'O1', from: '2023-04-01', to: '2026-07-01' },
      { taxpayerCode: 'T2', officerCode: 'O3', from: '2026-07-01', to: null },
    ]);
  });

  it('imports many rows in statements of at most 100 parameters', async () => {
    const { t } = await setup();
    const hrActor = { kind: 'user', userId: 'u', username: 'hr-bulk', role: 'hr', officerCode: null, tokenId: 'x' } as const;
    const n = 1500;
    const input = {
      units: [{ code: 'U1', name: 'Unit', peerGroup: 'urban' }],
      officers: Array.from({ length: n }, (_, i) => ({ code: `B${String(i).padStart(5, '0')}`, name: `Officer ${i}`, unitCode: 'U1', team: 'service', hireDate: '2020-01-01', positionStartDate: '2020-01-01' })),
      workload: Array.from({ length: n }, (_, i) => ({ officerCode: `B${String(i).padStart(5, '0')}`, period: '2026Q3', kind: 'general_taxpayer', count: i })),
    };
    const out = await importData({ ctx: t.ctx(hrActor), input });
    expect(out.imported).toEqual({ units: 1, officers: n, workload: n });
    expect(await count(t, 'officers')).toBe(n);
    expect(await count(t, 'workload')).toBe(n);
    const last = (await t.db.select().from(auditEntries).orderBy(sql`seq desc`).limit(1))[0]!;
    const payload = (JSON.parse(last.leaf) as { payload: { count: number; rows?: unknown[]; digest: string } }).payload;
    expect(payload.count).toBe(n);
    expect(payload.rows).toBeUndefined(); // over 1000 rows: the digest stands for them
    expect(payload.digest).toBe(await sha256Hex(canonicalJson(input.workload)));
  });

  it('splits rows over many JSON statements and still upserts every row, nulls and numbers included', async () => {
    const { t } = await setup();
    const hrActor = { kind: 'user', userId: 'u', username: 'hr-json', role: 'hr', officerCode: null, tokenId: 'x' } as const;
    const n = 300;
    const code = (i: number) => `J${String(i).padStart(4, '0')}`;
    const first = {
      units: [{ code: 'U1', name: 'Unit', peerGroup: 'urban' }],
      officers: Array.from({ length: n }, (_, i) => ({ code: code(i), name: `官员 "${i}" ,'x'`, unitCode: 'U1', team: 'service', hireDate: '2020-01-01', positionStartDate: '2020-01-01', leaveDate: '2026-01-01' })),
      workload: Array.from({ length: n }, (_, i) => ({ officerCode: code(i), period: '2026Q3', kind: 'general_taxpayer', count: i + 0.25 })),
    };
    // ~2 rows per statement: hundreds of statements in the one batch.
    await importData({ ctx: t.ctx(hrActor), input: first, options: { maxJsonChars: 300 } });
    const again = {
      officers: first.officers.map((o) => ({ ...o, name: `${o.name}!`, leaveDate: undefined })),
      workload: first.workload.map((w) => ({ ...w, count: 7 })),
    };
    await importData({ ctx: t.ctx(hrActor), input: again, options: { maxJsonChars: 300 } });
    expect(await count(t, 'officers')).toBe(n);
    const o = await t.db.select().from(officers).where(sql`${officers.code} = ${code(17)}`);
    expect(o[0]).toMatchObject({ name: `官员 "17" ,'x'!`, leaveDate: null, unitCode: 'U1' });
    const w = await t.db.select().from(workload).where(sql`${workload.officerCode} = ${code(17)}`);
    expect(w).toEqual([{ officerCode: code(17), period: '2026Q3', kind: 'general_taxpayer', count: 7 }]);
    const [{ n: open }] = await t.db.all<{ n: number }>(sql`select count(*) as n from officers where leave_date is not null`);
    expect(open).toBe(0);
  });

  it('canonicalRows gives the bytes of canonicalJson', () => {
    const fields = ['officerCode', 'raw', 'max', 'takenOn', 'category'];
    const rows = [
      { officerCode: 'O1', category: 'tax_law', raw: 80, max: 100, takenOn: '2026-05-01' },
      { officerCode: '张"\\n\u2028', category: 'x', raw: 0.1 + 0.2, max: 1e21, takenOn: '2026-05-01', extra: undefined },
      { officerCode: 'O2', category: 'y', raw: -0, max: 3, takenOn: '2026-05-02' },
    ];
    expect(canonicalRows(rows, fields)).toBe(canonicalJson(rows));
    expect(canonicalRows([], fields)).toBe(canonicalJson([]));
    // Off the known shape it falls back rather than guessing.
    const odd = [{ officerCode: 'O1', nested: { b: 1, a: 2 } }];
    expect(canonicalRows(odd, fields)).toBe(canonicalJson(odd));
    const partial = [{ officerCode: 'O1', raw: 1 }, { raw: 2, officerCode: 'O2', takenOn: undefined }];
    expect(canonicalRows(partial, fields)).toBe(canonicalJson(partial));
  });
});

describe('invalid rows are named by path', () => {
  // Each case is imported on top of base(); `path` must be among the reported errors.
  const cases: { name: string; input: Record<string, unknown>; path: string; message: RegExp }[] = [
    { name: 'missing required field', input: { officers: [{ code: 'O9', unitCode: 'U1', team: 't', hireDate: '2020-01-01', positionStartDate: '2020-01-01' }] }, path: 'officers[0].name', message: /required/ },
    { name: 'not a real date', input: { officers: [{ code: 'O9', name: 'n', unitCode: 'U1', team: 't', hireDate: '2026-02-30', positionStartDate: '2026-03-01' }] }, path: 'officers[0].hireDate', message: /real date/ },
    { name: 'date in the wrong form', input: { assessments: [{ officerCode: 'O1', category: 'law', raw: 1, max: 2, takenOn: '01/05/2026' }] }, path: 'assessments[0].takenOn', message: /YYYY-MM-DD/ },
    { name: 'bad period', input: { workload: [{ officerCode: 'O1', period: '2026Q5', kind: 'key_taxpayer', count: 1 }] }, path: 'workload[0].period', message: /YYYYQn/ },
    { name: 'category outside the enum', input: { taxpayers: [{ code: 'T9', name: 'n', category: 'vip' }] }, path: 'taxpayers[0].category', message: /key, general, individual/ },
    { name: 'negative count', input: { workload: [{ officerCode: 'O1', period: '2026Q3', kind: 'key_taxpayer', count: -1 }] }, path: 'workload[0].count', message: /0 or more/ },
    { name: 'count that is not a number', input: { workload: [{ officerCode: 'O1', period: '2026Q3', kind: 'key_taxpayer', count: '3' }] }, path: 'workload[0].count', message: /number/ },
    { name: 'zero max', input: { assessments: [{ officerCode: 'O1', category: 'law', raw: 0, max: 0, takenOn: '2026-01-01' }] }, path: 'assessments[0].max', message: /more than 0/ },
    { name: 'raw over max', input: { assessments: [{ officerCode: 'O1', category: 'law', raw: 101, max: 100, takenOn: '2026-01-01' }] }, path: 'assessments[0].raw', message: /max \(100\)/ },
    { name: 'zero threshold', input: { thresholds: [{ decisionType: 'deferral', amount: 0, validFrom: '2026-01-01' }] }, path: 'thresholds[0].amount', message: /more than 0/ },
    { name: 'threshold ending before it starts', input: { thresholds: [{ decisionType: 'deferral', amount: 5, validFrom: '2026-01-01', validTo: '2025-12-31' }] }, path: 'thresholds[0].validTo', message: /on or after validFrom/ },
    { name: 'unknown unit', input: { officers: [{ code: 'O9', name: 'n', unitCode: 'U404', team: 't', hireDate: '2020-01-01', positionStartDate: '2020-01-01' }] }, path: 'officers[0].unitCode', message: /no unit U404/ },
    { name: 'unknown supervisor', input: { officers: [{ code: 'O9', name: 'n', unitCode: 'U1', team: 't', hireDate: '2020-01-01', positionStartDate: '2020-01-01', supervisorCode: 'O404' }] }, path: 'officers[0].supervisorCode', message: /no officer O404/ },
    { name: 'own supervisor', input: { officers: [{ code: 'O9', name: 'n', unitCode: 'U1', team: 't', hireDate: '2020-01-01', positionStartDate: '2020-01-01', supervisorCode: 'O9' }] }, path: 'officers[0].supervisorCode', message: /own supervisor/ },
    { name: 'position before hire', input: { officers: [{ code: 'O9', name: 'n', unitCode: 'U1', team: 't', hireDate: '2020-01-01', positionStartDate: '2019-12-31' }] }, path: 'officers[0].positionStartDate', message: /on or after hireDate/ },
    { name: 'leave before hire', input: { officers: [{ code: 'O9', name: 'n', unitCode: 'U1', team: 't', hireDate: '2020-01-01', positionStartDate: '2020-01-01', leaveDate: '2019-01-01' }] }, path: 'officers[0].leaveDate', message: /on or after hireDate/ },
    { name: 'unknown officer in workload', input: { workload: [{ officerCode: 'O404', period: '2026Q3', kind: 'key_taxpayer', count: 1 }] }, path: 'workload[0].officerCode', message: /no officer O404/ },
    { name: 'unknown officer in assessments', input: { assessments: [{ officerCode: 'O404', category: 'law', raw: 1, max: 2, takenOn: '2026-01-01' }] }, path: 'assessments[0].officerCode', message: /no officer O404/ },
    { name: 'unknown taxpayer in assignments', input: { assignments: [{ taxpayerCode: 'T404', officerCode: 'O1', from: '2026-01-01' }] }, path: 'assignments[0].taxpayerCode', message: /no taxpayer T404/ },
    { name: 'unknown officer in assignments', input: { assignments: [{ taxpayerCode: 'T1', officerCode: 'O404', from: '2026-01-01', to: '2026-02-01' }] }, path: 'assignments[0].officerCode', message: /no officer O404/ },
    { name: 'workload count finer than a millionth', input: { workload: [{ officerCode: 'O1', period: '2026Q3', kind: 'key_taxpayer', count: 2.0000001 }] }, path: 'workload[0].count', message: /at most 6 decimal places/ },
    { name: 'unknown workload kind', input: { workload: [{ officerCode: 'O1', period: '2026Q3', kind: 'coffee_breaks', count: 1 }] }, path: 'workload[0].kind', message: /unknown workload kind "coffee_breaks"/ },
    { name: 'unknown assessment category', input: { assessments: [{ officerCode: 'O1', category: 'astrology', raw: 1, max: 2, takenOn: '2026-01-01' }] }, path: 'assessments[0].category', message: /unknown assessment category "astrology"/ },
    { name: 'duplicate code in one import', input: { units: [{ code: 'U7', name: 'a', peerGroup: 'urban' }, { code: 'U7', name: 'b', peerGroup: 'urban' }] }, path: 'units[1].code', message: /duplicate of units\[0\]/ },
    { name: 'duplicate workload key in one import', input: { workload: [{ officerCode: 'O1', period: '2026Q1', kind: 'key_taxpayer', count: 1 }, { officerCode: 'O1', period: '2026Q1', kind: 'key_taxpayer', count: 2 }] }, path: 'workload[1].kind', message: /duplicate of workload\[0\]/ },
    { name: 'assignment ending before it starts', input: { assignments: [{ taxpayerCode: 'T1', officerCode: 'O1', from: '2026-01-01', to: '2026-01-01' }] }, path: 'assignments[0].to', message: /after from/ },
    { name: 'second open assignment (one is stored)', input: { assignments: [{ taxpayerCode: 'T2', officerCode: 'O2', from: '2026-01-01' }] }, path: 'assignments[0].to', message: /two open assignments/ },
    { name: 'two open assignments in one import', input: { taxpayers: [{ code: 'T9', name: 'n', category: 'individual' }], assignments: [{ taxpayerCode: 'T9', officerCode: 'O1', from: '2026-01-01' }, { taxpayerCode: 'T9', officerCode: 'O2', from: '2026-02-01' }] }, path: 'assignments[1].to', message: /two open assignments: this one and assignments\[0\]/ },
    { name: 'range overlapping a stored one', input: { assignments: [{ taxpayerCode: 'T1', officerCode: 'O3', from: '2024-06-01', to: '2024-09-01' }] }, path: 'assignments[0].from', message: /overlaps the stored assignment from 2024-01-01/ },
    { name: 'range overlapping a stored open one', input: { assignments: [{ taxpayerCode: 'T1', officerCode: 'O3', from: '2025-06-01', to: '2025-09-01' }] }, path: 'assignments[0].from', message: /overlaps the stored assignment from 2025-01-01/ },
    { name: 'history overwritten (other officer)', input: { assignments: [{ taxpayerCode: 'T1', officerCode: 'O3', from: '2024-01-01', to: '2025-01-01' }] }, path: 'assignments[0].officerCode', message: /history is never overwritten/ },
    { name: 'history overwritten (other end)', input: { assignments: [{ taxpayerCode: 'T1', officerCode: 'O1', from: '2024-01-01', to: '2024-12-01' }] }, path: 'assignments[0].to', message: /history is never overwritten/ },
    { name: 'unknown field', input: { units: [{ code: 'U9', name: 'n', peerGroup: 'urban', colour: 'red' }] }, path: 'units[0]', message: /colour/ },
    { name: 'unknown kind', input: { staff: [] }, path: 'staff', message: /unknown kind/ },
    { name: 'kind that is not an array', input: { units: { code: 'U9' } }, path: 'units', message: /array/ },
  ];

  it.each(cases)('$name -> $path', async ({ input, path, message }) => {
    const { t, post } = await setup();
    expect((await post(base())).status).toBe(200);
    const auditBefore = await count(t, 'audit_entries');
    const body = await expectProblem(await post(input));
    expect(body.code).toBe('validation_failed');
    const hit = body.errors?.find((e) => e.path === path);
    expect(hit, JSON.stringify(body.errors)).toBeDefined();
    expect(hit!.message).toMatch(message);
    expect(await count(t, 'audit_entries')).toBe(auditBefore);
  });

  it('reports every bad row, and writes nothing when one row among good ones is bad', async () => {
    const { t, post } = await setup();
    const input = base();
    input.officers[1]!.hireDate = '2020-13-01';
    input.workload[2]!.kind = 'naps';
    (input.taxpayers[0] as Record<string, unknown>).category = 'vip';
    const auditBefore = await count(t, 'audit_entries');
    const body = await expectProblem(await post(input));
    expect(body.errors!.map((e) => e.path).sort()).toEqual(['officers[1].hireDate', 'taxpayers[0].category', 'workload[2].kind']);
    expect(body.detail).toMatch(/未写入任何数据/);
    for (const table of ['units', 'officers', 'taxpayers', 'assignments', 'workload', 'assessments', 'thresholds', 'periods']) {
      expect(await count(t, table), table).toBe(0);
    }
    expect(await count(t, 'audit_entries')).toBe(auditBefore);
  });

  it('names every bad field of a row, references included, in row order', async () => {
    const { post } = await setup();
    expect((await post(base())).status).toBe(200);
    const body = await expectProblem(
      await post({
        officers: [
          { code: 'O8', name: 'ok', unitCode: 'U1', team: 't', hireDate: '2020-01-01', positionStartDate: '2020-01-01', supervisorCode: 'O404' },
          { code: 'O9', name: 'n', unitCode: 'U404', team: 't', hireDate: '2020-02-30', positionStartDate: '2020-03-01' },
        ],
        units: [{ code: 'U9', peerGroup: 'urban' }],
      }),
    );
    expect(body.errors!.map((e) => e.path)).toEqual(['units[0].name', 'officers[0].supervisorCode', 'officers[1].hireDate', 'officers[1].unitCode']);
  });

  it('names a bad row once, not again in every row that refers to it', async () => {
    const { post } = await setup();
    const body = await expectProblem(
      await post({
        units: [{ code: 'U1', name: '', peerGroup: 'urban' }],
        officers: [{ code: 'O1', name: 'n', unitCode: 'U1', team: 't', hireDate: '2020-01-01', positionStartDate: '2020-01-01' }],
      }),
    );
    expect(body.errors!.map((e) => e.path)).toEqual(['units[0].name']);
  });
});

describe('CSV import', () => {
  it('reads a BOM, CRLF, quoted commas, quotes and Chinese names', async () => {
    const { t, post, csv } = await setup();
    expect((await post({ units: base().units })).status).toBe(200);
    const text =
      '\uFEFFcode,name,unitCode,team,hireDate,positionStartDate,leaveDate,supervisorCode\r\n' +
      'C1,"张,三",U1,assessment,2019-01-01,2019-01-01,,\r\n' +
      'C2,"李""小龙""",U1,"risk analysis",2018-05-06,2019-01-01,2026-03-31,C1\r\n' +
      'C3,王五,U2,service,2021-01-01,2021-02-01,,\r\n';
    const res = await csv('officers', text);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { imported: unknown }).imported).toEqual({ officers: 3 });
    const rows = await t.db.select().from(officers).orderBy(officers.code);
    expect(rows.map((r) => [r.code, r.name, r.team, r.leaveDate, r.supervisorCode])).toEqual([
      ['C1', '张,三', 'assessment', null, null],
      ['C2', '李"小龙"', 'risk analysis', '2026-03-31', 'C1'],
      ['C3', '王五', 'service', null, null],
    ]);
    const leaf = JSON.parse((await t.db.select().from(auditEntries).orderBy(sql`seq desc`).limit(1))[0]!.leaf) as { payload: { source: string } };
    expect(leaf.payload.source).toBe('csv');
  });

  it('reads LF files without a BOM and numbers in cells', async () => {
    const { t, post, csv } = await setup();
    expect((await post({ units: base().units, officers: base().officers })).status).toBe(200);
    const res = await csv('workload', 'officerCode,period,kind,count\nO1,2026Q3,key_taxpayer,7\nO2,2026Q3,registration_case,2.5\n');
    expect(res.status).toBe(200);
    expect(await t.db.select({ c: workload.count }).from(workload).orderBy(workload.officerCode)).toEqual([{ c: 7 }, { c: 2.5 }]);
  });

  it('names physical lines in errors, counting line breaks inside quotes', async () => {
    const { t, post, csv } = await setup();
    expect((await post({ units: base().units })).status).toBe(200);
    const text =
      'code,name,unitCode,team,hireDate,positionStartDate\r\n' + // line 1
      'C1,"two\r\nlines",U1,t,2019-01-01,2019-01-01\r\n' + // lines 2-3: a name is one line (core/text.ts)
      '\r\n' + // line 4: blank, skipped
      'C2,ok,U1,t,2019-02-30,2019-03-01\r\n' + // line 5: bad date
      'C3,ok,U404,t,2019-01-01,2019-01-01\r\n' + // line 6: unknown unit
      'C4,ok,U1,t\r\n' + // line 7: too few cells
      'C5,ok,U1,t,2019-01-01,2019-01-01\r\n' + // line 8
      'C5,dup,U1,t,2019-01-01,2019-01-01\r\n'; // line 9: duplicate of line 8
    const body = await expectProblem(await csv('officers', text));
    expect(body.errors!.map((e) => e.path)).toEqual(['line 2: name', 'line 5: hireDate', 'line 6: unitCode', 'line 7', 'line 9: code']);
    expect(body.errors![0]!.message).toMatch(/single line/);
    expect(body.errors![4]!.message).toMatch(/duplicate of line 8/);
    expect(body.errors![3]!.message).toMatch(/4 cells; the header has 6/);
    expect(await count(t, 'officers')).toBe(0);
  });

  it('rejects unknown and missing columns at the header line', async () => {
    const { csv } = await setup();
    const body = await expectProblem(await csv('units', 'code,name,colour\nU1,a,red\n'));
    expect(body.errors!.map((e) => e.path)).toEqual(['line 1: colour', 'line 1: peerGroup']);
  });

  it('rejects an unterminated quote', async () => {
    const { csv } = await setup();
    const body = await expectProblem(await csv('units', 'code,name,peerGroup\nU1,"open,urban\n'));
    expect(body.errors!.some((e) => e.path === 'line 2' && /not closed/.test(e.message))).toBe(true);
  });

  it('refuses a file that is not UTF-8 (GBK from a spreadsheet) instead of importing garbled names', async () => {
    const { t, hr } = await setup();
    const gbk = new Uint8Array([...new TextEncoder().encode('code,name,peerGroup\r\nU1,'), 0xb5, 0xda, 0xd2, 0xbb, ...new TextEncoder().encode(',urban\r\n')]);
    const res = await t.call('POST', '/api/v1/import?kind=units', { token: hr, body: gbk, headers: { 'content-type': 'text/csv' } });
    const body = await expectProblem(res);
    expect(body.detail).toMatch(/不是 UTF-8 编码/);
    expect(await count(t, 'units')).toBe(0);
    const declared = await t.call('POST', '/api/v1/import?kind=units', { token: hr, body: 'code,name,peerGroup\n', headers: { 'content-type': 'text/csv; charset=gbk' } });
    expect((await expectProblem(declared)).errors![0]!.path).toBe('content-type');
  });

  it('rejects an unknown or missing ?kind=', async () => {
    const { csv, t, hr } = await setup();
    const unknown = await expectProblem(await csv('staff', 'code\nX\n'));
    expect(unknown.errors).toEqual([{ path: 'kind', message: expect.stringMatching(/units, officers/) }]);
    const missing = await expectProblem(await t.call('POST', '/api/v1/import', { token: hr, body: 'code\n', headers: { 'content-type': 'text/csv' } }));
    expect(missing.errors![0]!.path).toBe('kind');
  });
});

describe('the import endpoint', () => {
  it('answers malformed JSON, an empty import and an unknown content type with 400 problem+json', async () => {
    const { t, hr, post } = await setup();
    const bad = await expectProblem(await t.call('POST', '/api/v1/import', { token: hr, body: '{"units": [', headers: { 'content-type': 'application/json' } }));
    expect(bad.detail).toMatch(/不是有效的 JSON/);
    await expectProblem(await post({}));
    await expectProblem(await post([1, 2]));
    await expectProblem(await post(null));
    await expectProblem(await t.call('POST', '/api/v1/import', { token: hr, body: 'x', headers: { 'content-type': 'application/xml' } }));
  });

  it.each(['admin', 'supervisor', 'officer', 'intake'] as const)('refuses role %s with 403 and writes nothing', async (role) => {
    const { t, post } = await setup();
    expect((await post(base())).status).toBe(200);
    const token = role === 'admin' ? t.adminToken : await t.userToken(role, role === 'officer' ? { officerCode: 'O1' } : {});
    const auditBefore = await count(t, 'audit_entries');
    const res = await t.call('POST', '/api/v1/import', { token, json: { units: [{ code: 'U9', name: 'x', peerGroup: 'urban' }] } });
    await expectProblem(res, 403);
    expect(await count(t, 'units')).toBe(2);
    expect(await count(t, 'audit_entries')).toBe(auditBefore);
  });

  it('replays an import sent again with the same Idempotency-Key instead of writing twice', async () => {
    const { t, hr } = await setup();
    const send = () => t.call('POST', '/api/v1/import', { token: hr, json: { units: base().units }, headers: { 'idempotency-key': 'import-1' } });
    const first = await send();
    expect(first.status).toBe(200);
    const audit = await count(t, 'audit_entries');
    const again = await send();
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    expect(await count(t, 'audit_entries')).toBe(audit);
  });

  it('refuses a body over the size limit with 413 problem+json', async () => {
    const { t, hr } = await setup();
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 65) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await t.app.request('/api/v1/import?kind=units', {
      method: 'POST',
      headers: { authorization: `Bearer ${hr}`, 'content-type': 'text/csv' },
      body,
      duplex: 'half',
    } as RequestInit);
    await expectProblem(res, 413);
    expect(await count(t, 'units')).toBe(0);
  });

  it('refuses an anonymous caller with 401', async () => {
    const { t } = await setup();
    await expectProblem(await t.call('POST', '/api/v1/import', { json: base() }), 401);
  });

  it('is documented in the OpenAPI document', async () => {
    const { t } = await setup();
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
    expect(Object.keys(doc.paths['/api/v1/import']!.post!.requestBody!.content).sort()).toEqual(['application/json', 'text/csv']);
    for (const p of ['/api/v1/units', '/api/v1/officers', '/api/v1/taxpayers', '/api/v1/periods']) expect(doc.paths[p]?.get).toBeDefined();
  });
});

describe('master data lists', () => {
  it('pages by code with an opaque cursor', async () => {
    const { t, hr, post } = await setup();
    const many = Array.from({ length: 5 }, (_, i) => ({ code: `P${i}`, name: `纳税人${i}`, category: 'individual' }));
    expect((await post({ taxpayers: many })).status).toBe(200);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const res = await t.call('GET', `/api/v1/taxpayers?limit=2${q}`, { token: hr });
      const body = (await res.json()) as { items: { code: string }[]; nextCursor: string | null };
      seen.push(...body.items.map((i) => i.code));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(['P0', 'P1', 'P2', 'P3', 'P4']);
    expect(pages).toBe(3);
    await expectProblem(await t.call('GET', '/api/v1/taxpayers?limit=1001', { token: hr }));
    await expectProblem(await t.call('GET', '/api/v1/taxpayers?cursor=%%%', { token: hr }));
  });

  it('lets hr, supervisor and admin read, and refuses officers', async () => {
    const { t, post } = await setup();
    expect((await post(base())).status).toBe(200);
    for (const role of ['supervisor', 'hr'] as const) {
      expect((await t.call('GET', '/api/v1/officers', { token: await t.userToken(role) })).status).toBe(200);
    }
    expect((await t.call('GET', '/api/v1/units', { token: t.adminToken })).status).toBe(200);
    const officer = await t.userToken('officer', { officerCode: 'O1' });
    await expectProblem(await t.call('GET', '/api/v1/officers', { token: officer }), 403);
    await expectProblem(await t.call('GET', '/api/v1/periods'), 401);
  });
});
