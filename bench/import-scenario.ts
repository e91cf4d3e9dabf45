/** Scenario 5: a CSV import of taxpayer rows through importCsv, against a raw libsql batch insert of the same rows. */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Ctx } from '../src/core/context.js';
import { createRng } from '../scripts/synthetic/prng.js';
import { companyName } from '../scripts/synthetic/names.js';
import { findVerb } from './features.js';
import { fmt, row, type ScenarioRow, type Target } from './harness.js';

export async function importScenario(
  ctxFor: (role: 'admin' | 'hr' | 'intake') => Ctx,
  db: Db,
  client: import('@libsql/client').Client,
  rowsN: number,
  judged: boolean,
  rounds: number,
): Promise<ScenarioRow[]> {
  const rng = createRng('import-rows');
  const cats = ['key', 'general', 'individual'] as const;
  const make = (prefix: string) =>
    Array.from({ length: rowsN }, (_, i) => ({
      code: `${prefix}${String(i).padStart(9, '0')}`,
      name: companyName(rng, '示范市', i % 30 === 0),
      category: cats[i % 10 === 0 ? 0 : i % 3 === 0 ? 2 : 1]!,
    }));
  const name = `CSV import of ${fmt(rowsN)} taxpayer rows`;
  const target: Target = { kind: 'ratio<=', value: 3 };
  const importCsv = await findVerb<(a: { ctx: Ctx; kind: string; text: string }) => Promise<{ imported: Record<string, number> }>>('imports', 'importCsv');
  const tag = Date.now().toString(36).toUpperCase();
  let baseSec = Infinity;
  let sec = Infinity;
  let statements = 0;
  let note = '';
  // Rounds alternate the raw insert and the import (new codes each time, same table), each side
  // keeping its best time.
  for (let r = 0; r < rounds; r++) {
    const baseRows = make(`BB${tag}${r}`);
    const stmts = [];
    for (let i = 0; i < baseRows.length; i += 100) {
      const chunk = baseRows.slice(i, i + 100);
      stmts.push({
        sql: `INSERT INTO taxpayers (code, name, category) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`,
        args: chunk.flatMap((x) => [x.code, x.name, x.category]),
      });
    }
    statements = stmts.length;
    const t0 = performance.now();
    await client.batch(stmts, 'write');
    baseSec = Math.min(baseSec, (performance.now() - t0) / 1000);
    if (!importCsv) continue;

    const ourRows = make(`BI${tag}${r}`);
    const text = '\ufeffcode,name,category\r\n' + ourRows.map((x) => `${x.code},${x.name},${x.category}`).join('\r\n') + '\r\n';
    const t1 = performance.now();
    const out = await importCsv.fn({ ctx: ctxFor('hr'), kind: 'taxpayers', text });
    const took = (performance.now() - t1) / 1000;
    const [{ n }] = await db.all<{ n: number }>(sql`select count(*) as n from taxpayers where code like ${`BI${tag}${r}%`}`);
    if (n !== rowsN) return [{ ...row(name, 's', null, baseSec, target, { judged, note: `importCsv reported ${JSON.stringify(out.imported)} but ${n} rows are there` }), pass: false }];
    sec = Math.min(sec, took);
    note = `importCsv reported ${JSON.stringify(out.imported)}, every row found`;
  }
  if (!importCsv) return [row(name, 's', null, baseSec, target, { judged, notBuilt: true })];
  return [
    row(name, 's', sec, baseSec, target, {
      judged,
      note: `${note}; baseline: libsql batch of ${statements} 100-row INSERTs${rounds > 1 ? `; best of ${rounds} alternating rounds` : ''}`,
    }),
  ];
}
