import { describe, expect, it } from 'vitest';
import { thresholds } from '../../db/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';

type Problem = { status: number; detail: string; errors: { path: string; message: string }[] };

const range = (validFrom: string, validTo?: string, decisionType = 'assessed_turnover', amount = 20000) => ({
  decisionType,
  amount,
  validFrom,
  ...(validTo ? { validTo } : {}),
});

/** Stored for assessed_turnover: 15,000 from 2019 to the end of 2025, then 20,000 open-ended. */
async function setup() {
  const t = await makeTestApp();
  const hr = await t.userToken('hr');
  const post = (json: unknown) => t.call('POST', '/api/v1/import', { token: hr, json });
  const csv = (text: string) =>
    t.call('POST', '/api/v1/import?kind=thresholds', { token: hr, body: text, headers: { 'content-type': 'text/csv; charset=utf-8' } });
  const seeded = await post({ thresholds: [range('2019-01-01', '2025-12-31', 'assessed_turnover', 15000), range('2026-01-01')] });
  expect(seeded.status, await seeded.clone().text()).toBe(200);
  return { t, post, csv };
}

const stored = async (t: TestApp) =>
  (await t.db.select().from(thresholds).orderBy(thresholds.decisionType, thresholds.validFrom)).map((r) => [r.decisionType, r.validFrom, r.validTo, r.amount]);

const seededRows = [
  ['assessed_turnover', '2019-01-01', '2025-12-31', 15000],
  ['assessed_turnover', '2026-01-01', null, 20000],
];

async function problem(res: Response): Promise<Problem> {
  const body = (await res.json()) as Problem;
  expect(res.status, JSON.stringify(body)).toBe(400);
  return body;
}

describe('threshold ranges in an import', () => {
  it('refuses a new range inside a stored open-ended one, naming the stored one; nothing is written', async () => {
    const { t, post } = await setup();
    const body = await problem(await post({ thresholds: [range('2026-07-01', undefined, 'assessed_turnover', 25000)] }));
    expect(body.errors).toEqual([
      { path: 'thresholds[0].validFrom', message: expect.stringContaining('overlaps the stored assessed_turnover threshold from 2026-01-01 (open-ended)') },
    ]);
    expect(await stored(t)).toEqual(seededRows);
  });

  it('refuses a range that reaches into a later stored one, blaming the imported row', async () => {
    const { post } = await setup();
    const body = await problem(await post({ thresholds: [range('2018-01-01', '2019-01-01')] }));
    expect(body.errors).toEqual([
      { path: 'thresholds[0].validTo', message: expect.stringContaining('overlaps the stored assessed_turnover threshold from 2019-01-01 (to 2025-12-31)') },
    ]);
  });

  it('accepts closing the stored open range and opening the next in the same import (adjacent days do not overlap)', async () => {
    const { t, post } = await setup();
    const res = await post({ thresholds: [range('2027-01-01', undefined, 'assessed_turnover', 25000), range('2026-01-01', '2026-12-31')] });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await stored(t)).toEqual([...seededRows.slice(0, 1), ['assessed_turnover', '2026-01-01', '2026-12-31', 20000], ['assessed_turnover', '2027-01-01', null, 25000]]);
    // Re-importing stored ranges unchanged is no overlap with themselves.
    expect((await post({ thresholds: [range('2019-01-01', '2025-12-31', 'assessed_turnover', 15000)] })).status).toBe(200);
  });

  it('counts the last day as in force: a range starting on the day another ends overlaps it', async () => {
    const { post } = await setup();
    const body = await problem(await post({ thresholds: [range('2026-12-31', undefined), range('2026-01-01', '2026-12-31')] }));
    expect(body.errors).toEqual([{ path: 'thresholds[0].validFrom', message: expect.stringContaining('overlaps thresholds[1] (from 2026-01-01 to 2026-12-31)') }]);
  });

  it('refuses two open-ended ranges of one type in one import, and keeps decision types apart', async () => {
    const { post } = await setup();
    const body = await problem(
      await post({ thresholds: [range('2024-01-01', undefined, 'deferral', 5), range('2024-01-01', undefined, 'waiver', 5), range('2025-01-01', undefined, 'deferral', 6)] }),
    );
    expect(body.errors).toEqual([{ path: 'thresholds[2].validFrom', message: expect.stringContaining('overlaps thresholds[0] (from 2024-01-01, open-ended)') }]);
  });

  it('reports every later range under a long one, not only the next', async () => {
    const { post } = await setup();
    const body = await problem(
      await post({ thresholds: [range('2020-01-01', undefined, 'deferral', 5), range('2021-01-01', '2021-12-31', 'deferral', 6), range('2022-01-01', '2022-06-30', 'deferral', 7)] }),
    );
    expect(body.errors.map((e) => e.path)).toEqual(['thresholds[1].validFrom', 'thresholds[2].validFrom']);
    expect(body.errors[1]!.message).toContain('overlaps thresholds[0] (from 2020-01-01, open-ended)');
  });

  it('checks only rows that are otherwise valid: a reversed range is named for its dates alone', async () => {
    const { post } = await setup();
    const body = await problem(await post({ thresholds: [range('2026-05-01', '2026-04-01')] }));
    expect(body.errors).toEqual([{ path: 'thresholds[0].validTo', message: 'must be on or after validFrom (2026-05-01)' }]);
  });

  it('names CSV lines', async () => {
    const { t, csv } = await setup();
    const body = await problem(
      await csv('decisionType,amount,validFrom,validTo\n' + 'deferral,5,2024-01-01,2024-12-31\n' + 'assessed_turnover,18000,2025-06-01,2025-12-31\n'),
    );
    expect(body.errors).toEqual([{ path: 'line 3: validFrom', message: expect.stringContaining('overlaps the stored assessed_turnover threshold from 2019-01-01 (to 2025-12-31)') }]);
    expect(await stored(t)).toEqual(seededRows);
  });
});
