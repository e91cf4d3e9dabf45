/**
 * Issue 11, well-formed text: a JSON import with a lone surrogate answered 200 and stored bytes
 * that are not UTF-8, after which every read of the row aborted the process (libsql panics);
 * NUL and other control characters were stored in codes and text. Text is now checked once where
 * it enters (src/core/text.ts), and the storage cannot be given invalid UTF-8 by any path.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { auditEntries, units, units as unitsTable } from '../../db/schema.js';
import { jsonParam } from '../../db/json-param.js';
import { textProblem } from '../../src/core/text.js';
import { repairStoredText, repairedText } from '../../src/ops/text-repair.js';
import { verifyLog } from '../../src/audit/verify.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { json, officer, taxpayer } from '../support/oversight.js';

type Problem = { status: number; errors?: { path: string; message: string }[] };

async function problem(res: Response, status = 400): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  return (await res.json()) as Problem;
}

const paths = (p: Problem) => (p.errors ?? []).map((e) => e.path);

const importJson = (t: TestApp, token: string, text: string) =>
  t.call('POST', '/api/v1/import', { token, body: text, headers: { 'content-type': 'application/json' } });

describe('well-formed text where it enters', () => {
  it('refuses the surrogate import naming the field, writes nothing, and the units still read', async () => {
    const t = await makeTestApp();
    const hr = await t.userToken('hr');
    const res = await importJson(t, hr, '{"units":[{"code":"UZ\\ud800","name":"x","peerGroup":"urban"},{"code":"U2","name":"y\\udfff","peerGroup":"urban"}]}');
    expect(paths(await problem(res))).toEqual(['units[0].code', 'units[1].name']);
    const list = await t.call('GET', '/api/v1/units', { token: hr });
    expect(list.status).toBe(200);
    expect((await json(list)).items).toEqual([]);
  });

  it('refuses NUL and control characters in codes and names, and line breaks outside free text', async () => {
    const t = await makeTestApp();
    const hr = await t.userToken('hr');
    const units = [
      { code: 'U\u0000', name: 'a', peerGroup: 'urban' },
      { code: 'U2', name: 'b\u0007', peerGroup: 'urban' },
      { code: 'U\t3', name: 'c', peerGroup: 'urban' },
      { code: 'U4', name: 'line\nbreak', peerGroup: 'urban' },
      { code: 'U5', name: '\u007f', peerGroup: 'urban' },
      { code: 'U6', name: '第六税务分局 ✓', peerGroup: 'urban' },
    ];
    const p = await problem(await t.call('POST', '/api/v1/import', { token: hr, json: { units } }));
    expect(paths(p)).toEqual(['units[0].code', 'units[1].name', 'units[2].code', 'units[3].name', 'units[4].name']);
    expect(p.errors![0]!.message).toContain('U+0000');
    expect(p.errors![3]!.message).toContain('single line');
    expect((await t.db.select().from(unitsTable)).length).toBe(0);
  });

  it('names the CSV line and column', async () => {
    const t = await makeTestApp();
    const hr = await t.userToken('hr');
    const csv = 'code,name,peerGroup\r\nU1,Good,urban\r\nU\u00002,Bad,urban\r\nU3,"Two\r\nlines",urban\r\n';
    const res = await t.call('POST', '/api/v1/import?kind=units', { token: hr, body: csv, headers: { 'content-type': 'text/csv' } });
    expect(paths(await problem(res))).toEqual(['line 3: code', 'line 4: name']);
  });

  it('allows tab and line breaks in free text only, never NUL or a lone surrogate', async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    await officer(t, 'O1');
    await taxpayer(t, 'TP1');
    const o1 = await t.userToken('officer', { officerCode: 'O1' });
    const base = { type: 'deferral', taxpayerCode: 'TP1', decidedAt: '2026-09-30' };
    const ok = await t.call('POST', '/api/v1/decisions', { token: o1, json: { ...base, justification: 'Visited the site.\r\n\tLedger incomplete.' } });
    expect(ok.status).toBe(201);
    for (const justification of ['nul\u0000', 'bell\u0007', 'lone\ud800']) {
      const bad = await t.call('POST', '/api/v1/decisions', { token: o1, body: JSON.stringify({ ...base, justification }), headers: { 'content-type': 'application/json' } });
      expect(paths(await problem(bad)), JSON.stringify(justification)).toEqual(['justification']);
    }
    const code = await t.call('POST', '/api/v1/decisions', { token: o1, json: { ...base, taxpayerCode: 'TP1\n', justification: 'x' } });
    expect(paths(await problem(code))).toEqual(['taxpayerCode']);
  });

  it('refuses controls in query values and path segments, naming them', async () => {
    const t = await makeTestApp();
    const hr = await t.userToken('hr');
    expect(paths(await problem(await t.call('GET', '/api/v1/decisions?type=a%00b', { token: hr })))).toEqual(['type']);
    expect(paths(await problem(await t.call('GET', '/api/v1/decisions?type=a%0Ab', { token: hr })))).toEqual(['type']);
    expect(paths(await problem(await t.call('GET', '/api/v1/decisions/dec%00x', { token: hr })))).toEqual(['path']);
    // A malformed escape is no control: it is left as it is, and the route's pattern decides.
    expect(paths(await problem(await t.call('GET', '/api/v1/decisions/dec%ED%A0%80', { token: hr })))).toEqual(['id']);
  });

  it('checks pages that call verbs with the same rule (the staff decision form)', () => {
    expect(textProblem('ok')).toBeNull();
    expect(textProblem('a\tb')).toMatch(/single line/);
    expect(textProblem('a\tb', true)).toBeNull();
    expect(textProblem('a\u0000b', true)).toMatch(/U\+0000/);
    expect(textProblem('\ud83d\ude00')).toBeNull();
    expect(textProblem('\ude00')).toMatch(/lone surrogate/);
  });
});

describe('storage that cannot hold invalid UTF-8', () => {
  it('writes a lone surrogate given to a JSON parameter as U+FFFD, as a bound parameter does', async () => {
    const t = await makeTestApp();
    expect(jsonParam(['UZ\ud800', 'a\ud83d\ude00', '\\ud800'])).toBe('["UZ\\ufffd","a\ud83d\ude00","\\\\ud800"]');
    await t.db.run(sql`insert into units (code, name, peer_group) select json_extract(value, '$[0]'), json_extract(value, '$[1]'), 'urban' from json_each(${jsonParam([['UZ\ud800', 'n\udc00']])})`);
    await t.db.run(sql`insert into units (code, name, peer_group) values (${'UB\ud800'}, ${'bound'}, 'urban')`);
    const rows = await t.db.all<{ h: string }>(sql`select hex(code) || ':' || hex(name) as h from units order by code`);
    expect(rows.map((r) => r.h)).toEqual(['5542EFBFBD:626F756E64', '555AEFBFBD:6EEFBFBD']);
  });

  it('every json_each parameter of the service is made by db/json-param.ts', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.tsx?$/.test(f)) files.push(p);
      }
    };
    walk('src');
    walk('db');
    // db/json-rows.ts defines the `json_each(?) j` fragment of the group statements; the files that
    // bind its parameter are checked below.
    const exempt = new Set(['db/json-rows.ts']);
    // Code, not comments: a line that is not a comment and calls json_each.
    const callsJsonEach = (f: string) => readFileSync(f, 'utf8').split('\n').some((l) => !/^\s*(\*|\/\/|\/\*)/.test(l) && /json_each\s*\(/.test(l));
    const users = files.filter((f) => callsJsonEach(f) && !f.startsWith('db/migrations'));
    expect(users.length).toBeGreaterThanOrEqual(4);
    for (const f of users) {
      if (exempt.has(f) || f === 'db/json-param.ts') continue;
      expect(readFileSync(f, 'utf8'), f).toMatch(/import \{[^}]*\bjsonParam(Text)?\b[^}]*\} from '(\.\.\/)+db\/json-param\.js'/);
    }
    // A statement built on the fragment binds its parameter through jsonParam, or hands it to the
    // form's coalesced read (src/feedback/hot-path.ts), which does.
    const fragmentUsers = files.filter((f) => /import \{[^}]*\bjsonRows\b/.test(readFileSync(f, 'utf8')));
    expect(fragmentUsers.length).toBeGreaterThanOrEqual(2);
    for (const f of fragmentUsers) {
      const text = readFileSync(f, 'utf8');
      expect(/\bjsonParam(Text)?\b/.test(text) || /\bcoalescedRead\b/.test(text), f).toBe(true);
    }
    expect(readFileSync('src/feedback/hot-path.ts', 'utf8')).toMatch(/args: \[jsonParam\(/);
  });

  it('repairs rows an older version stored as invalid UTF-8, before they are read, and audits it', async () => {
    const t = await makeTestApp();
    const hr = await t.userToken('hr');
    // What wave 1's import did: the JSON escape, decoded by SQLite into the bytes ED A0 80.
    const raw = '[["UZ\\ud800","第一分局\\udfff","urban"]]';
    await t.db.run(sql`insert into units (code, name, peer_group) select json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') from json_each(${raw})`);
    await t.db.run(sql`insert into officers (code, name, unit_code, team, hire_date, position_start_date) select 'O1', 'Officer', json_extract(value, '$[0]'), 'service', '2020-01-01', '2020-01-01' from json_each(${raw})`);
    const before = await t.db.all<{ h: string }>(sql`select hex(code) as h from units`);
    expect(before[0]!.h).toBe('555AEDA080');

    const cells = await repairStoredText({ db: t.db, clock: t.clock });
    expect(cells.map((c) => `${c.table}.${c.column}`).sort()).toEqual(['officers.unit_code', 'units.code', 'units.name']);
    // Read only now: before the repair this read aborted the process.
    const list = await t.call('GET', '/api/v1/units', { token: hr });
    expect(list.status).toBe(200);
    expect((await json(list)).items).toEqual([{ code: 'UZ\ufffd', name: '第一分局\ufffd', peerGroup: 'urban' }]);
    const officersList = await json(await t.call('GET', '/api/v1/officers', { token: hr }));
    expect(officersList.items[0].unitCode).toBe('UZ\ufffd');
    const [entry] = await t.db.select().from(auditEntries).where(eq(auditEntries.action, 'text.repair')).limit(1);
    expect(entry!.leaf).toContain('555AEDA080');
    expect((await verifyLog(t.db, t.deps.signer.publicKey)).ok).toBe(true);
    // Idempotent: nothing left to repair.
    expect(await repairStoredText({ db: t.db, clock: t.clock })).toEqual([]);
    expect(repairedText(new Uint8Array([0x61, 0xff, 0xed, 0xbf, 0xbf]))).toBe('a\ufffd\ufffd');
    expect(repairedText(new TextEncoder().encode('第一'))).toBeNull();
    expect((await t.db.select().from(units)).length).toBe(1);
  });
});
