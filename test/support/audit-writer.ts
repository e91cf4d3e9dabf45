/**
 * A separate process that appends audit entries to a database file through commit(): the
 * concurrency test runs several at once against one file, as several Node processes (or Worker
 * isolates against one database) would.
 * Usage: node --import tsx test/support/audit-writer.ts <file url> <count> <name>
 */
import { openDb } from '../../db/client.js';
import { commit } from '../../src/audit/append.js';
import { systemClock } from '../../src/core/clock.js';

const [url, countText, name] = process.argv.slice(2);
const { db, client } = await openDb({ url: url! });
const ctx = { db, clock: systemClock, actor: { kind: 'system', name: name! } as const };
const seqs: number[] = [];
for (let i = 0; i < Number(countText); i++) {
  const out = await commit(ctx, [], [{ action: 'test.concurrent', entity: 'test', entityId: `${name}-${i}`, payload: { i } }]);
  seqs.push(out.auditIndices[0]!);
}
client.close();
process.stdout.write(JSON.stringify(seqs));
