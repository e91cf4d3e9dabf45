import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { officers } from '../../db/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { MAX_REPORTED_ERRORS } from '../../src/imports/rows.js';

type Problem = { status: number; detail: string; errors: { path: string; message: string }[] };

const officer = (code: string, supervisorCode?: string) => ({
  code,
  name: `Officer ${code}`,
  unitCode: 'U1',
  team: 'assessment',
  hireDate: '2020-01-01',
  positionStartDate: '2020-01-01',
  ...(supervisorCode ? { supervisorCode } : {}),
});

/** A unit and the stored reporting line O3 -> O2 -> O1. */
async function setup() {
  const t = await makeTestApp();
  const hr = await t.userToken('hr');
  const post = (json: unknown) => t.call('POST', '/api/v1/import', { token: hr, json });
  const csv = (text: string) =>
    t.call('POST', '/api/v1/import?kind=officers', { token: hr, body: text, headers: { 'content-type': 'text/csv; charset=utf-8' } });
  const seeded = await post({ units: [{ code: 'U1', name: 'Unit', peerGroup: 'urban' }], officers: [officer('O1'), officer('O2', 'O1'), officer('O3', 'O2')] });
  expect(seeded.status).toBe(200);
  return { t, post, csv };
}

const supervisors = async (t: TestApp) =>
  Object.fromEntries((await t.db.select().from(officers).orderBy(officers.code)).map((o) => [o.code, o.supervisorCode]));

const stored = { O1: null, O2: 'O1', O3: 'O2' };

async function problem(res: Response): Promise<Problem> {
  const body = (await res.json()) as Problem;
  expect(res.status, JSON.stringify(body)).toBe(400);
  return body;
}

describe('supervisor cycles in an import', () => {
  it('refuses two officers of one import who report to each other, naming both rows', async () => {
    const { t, post } = await setup();
    const body = await problem(await post({ officers: [officer('O8', 'O9'), officer('O9', 'O8')] }));
    expect(body.errors).toEqual([
      { path: 'officers[0].supervisorCode', message: expect.stringContaining('reporting line loops: O8 → O9 → O8') },
      { path: 'officers[1].supervisorCode', message: expect.stringContaining('reporting line loops: O9 → O8 → O9') },
    ]);
    expect(body.detail).toMatch(/未写入任何数据/);
    expect(await supervisors(t)).toEqual(stored);
  });

  it('refuses a loop through stored officers, naming only the imported row and the stored links', async () => {
    const { t, post } = await setup();
    // O1 -> O3 (this import) -> O2 (stored) -> O1 (stored).
    const body = await problem(await post({ officers: [officer('O7'), officer('O1', 'O3')] }));
    expect(body.errors).toEqual([{ path: 'officers[1].supervisorCode', message: expect.stringMatching(/^reporting line loops: O1 → O3 → O2 → O1\b.*O3, O2 as stored/) }]);
    expect(await supervisors(t)).toEqual(stored);
  });

  it('refuses a longer loop inside one import, and not the rows that merely lead into it', async () => {
    const { post } = await setup();
    const body = await problem(
      await post({ officers: [officer('A1', 'A2'), officer('X1', 'A3'), officer('A2', 'A3'), officer('A3', 'A4'), officer('A4', 'A1'), officer('X2', 'X1')] }),
    );
    expect(body.errors.map((e) => [e.path, e.message])).toEqual([
      ['officers[0].supervisorCode', 'reporting line loops: A1 → A2 → A3 → A4 → A1'],
      ['officers[2].supervisorCode', 'reporting line loops: A2 → A3 → A4 → A1 → A2'],
      ['officers[3].supervisorCode', 'reporting line loops: A3 → A4 → A1 → A2 → A3'],
      ['officers[4].supervisorCode', 'reporting line loops: A4 → A1 → A2 → A3 → A4'],
    ]);
  });

  it('accepts a re-import that turns a reporting line around: the import replaces the stored links', async () => {
    const { t, post } = await setup();
    // Stored O2 -> O1; now O1 reports to O2 and O2 to nobody. Read against the stored O2 alone
    // this would be a loop; with the import's own O2 row it is not.
    const res = await post({ officers: [officer('O1', 'O2'), officer('O2'), officer('O3', 'O2')] });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await supervisors(t)).toEqual({ O1: 'O2', O2: null, O3: 'O2' });
    // The same rows again change nothing and are no loop either.
    expect((await post({ officers: [officer('O1', 'O2'), officer('O2'), officer('O3', 'O2')] })).status).toBe(200);
  });

  it('names self-supervision once, also in a row with another bad field', async () => {
    const { post } = await setup();
    const body = await problem(await post({ officers: [officer('O9', 'O9')] }));
    expect(body.errors).toEqual([{ path: 'officers[0].supervisorCode', message: 'an officer cannot be their own supervisor' }]);
    // The row schema skips its cross-field checks when a field is bad; the loop check does not.
    const other = await problem(await post({ officers: [{ ...officer('O9', 'O9'), hireDate: '2020-02-30' }] }));
    expect(other.errors).toEqual([
      { path: 'officers[0].hireDate', message: 'expected a real date YYYY-MM-DD' },
      { path: 'officers[0].supervisorCode', message: 'an officer cannot be their own supervisor' },
    ]);
  });

  it('names CSV lines, with the cycle through a stored officer', async () => {
    const { t, csv } = await setup();
    const body = await problem(
      await csv(
        'code,name,unitCode,team,hireDate,positionStartDate,supervisorCode\n' +
          'O5,ok,U1,risk,2020-01-01,2020-01-01,O1\n' +
          '\n' +
          'O2,loops,U1,risk,2020-01-01,2020-01-01,O3\n',
      ),
    );
    // O2 -> O3 (stored) -> O2.
    expect(body.errors).toEqual([{ path: 'line 4: supervisorCode', message: expect.stringContaining('reporting line loops: O2 → O3 → O2') }]);
    expect(await supervisors(t)).toEqual(stored);
  });

  it('reports every row of a 10,000-officer loop with a short message, and accepts the same line without the loop', async () => {
    const { t, post } = await setup();
    const n = MAX_REPORTED_ERRORS;
    const code = (i: number) => `L${String(i).padStart(5, '0')}`;
    const line = Array.from({ length: n }, (_, i) => officer(code(i), code((i + 1) % n)));
    const body = await problem(await post({ officers: line }));
    expect(body.errors).toHaveLength(n);
    expect(body.errors[0]).toEqual({ path: 'officers[0].supervisorCode', message: `reporting line loops: L00000 → L00001 → L00002 → L00003 → … → L09999 → L00000 (${n} officers)` });
    expect(body.errors[n - 1]!.path).toBe(`officers[${n - 1}].supervisorCode`);
    expect(body.errors[n - 1]!.message).toMatch(/^reporting line loops: L09999 → L00000 → /);

    line[n - 1] = officer(code(n - 1));
    expect((await post({ officers: line })).status).toBe(200);
    const [{ n: count }] = await t.db.all<{ n: number }>(sql`select count(*) as n from officers where supervisor_code is not null`);
    expect(count).toBe(n - 1 + 2);
  });
});
