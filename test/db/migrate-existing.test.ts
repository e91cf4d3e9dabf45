/**
 * Existing databases keep working (issue 12): a database with the data of the schema before
 * policies, commitments and retention (migrations up to 0008) is migrated in place; its
 * invitations keep their responses, complaint text leaves the flag evidence (the record keeps
 * it), the built-in default is the policy in effect, and the retention job can cut its links.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { openDb, migrateDb, migrationsFolder } from '../../db/client.js';
import { closeAfter, once } from '../support/cleanup.js';
import { fixedClock } from '../../src/core/clock.js';
import { defaultConfig } from '../../src/core/config.js';
import { randomSeed, signerFromSeed } from '../../src/audit/signer.js';
import { policyInEffect } from '../../src/grading/policies.js';
import { runRetention } from '../../src/retention/job.js';

/** The migrations folder as it was before this work: entries up to `lastTag`. */
function folderUpTo(lastTag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tgo-migrations-'));
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalPath = join(dir, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  expect(last).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, last + 1);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

describe('an existing database', () => {
  it('migrates with its data and keeps working', async () => {
    const url = `file:${join(mkdtempSync(join(tmpdir(), 'tgo-existing-')), 'old.db')}`;
    const { db, client } = await openDb({ url });
    closeAfter(once(() => client.close()));
    await migrate(db, { migrationsFolder: folderUpTo('0008_audit_witness_append_only') });
    // Data as the service wrote it then: a response with a complaint whose flag held the text.
    await db.run(sql`insert into units (code, name, peer_group) values ('U1', 'Unit', 'urban')`);
    await db.run(sql`insert into officers (code, name, unit_code, team, hire_date, position_start_date) values ('O1', 'Officer', 'U1', 'service', '2015-01-01', '2018-01-01')`);
    await db.run(sql`insert into taxpayers (code, name, category) values ('T1', '城东区王芳便利店', 'individual')`);
    await db.run(sql`insert into invitations (id, token_hash, officer_code, taxpayer_code, interaction_ref, created_by, created_at, expires_at, used_at)
      values ('inv1', 'h1', 'O1', 'T1', 'HALL-1', 'u', '2026-08-01T00:00:00.000Z', '2026-08-31T00:00:00.000Z', '2026-08-02T00:00:00.000Z')`);
    await db.run(sql`insert into feedback_responses (id, invitation_id, officer_code, period, submitted_at, professionalism, attitude, efficiency, integrity, mean, complaint)
      values ('r1', 'inv1', 'O1', '2026Q3', '2026-08-02T00:00:00.000Z', 2, 1, 2, 2, 1.75, '态度恶劣 old-complaint')`);
    await db.run(sql`insert into complaints (id, response_id, officer_code, text, created_at, flag_id) values ('c1', 'r1', 'O1', '态度恶劣 old-complaint', '2026-08-02T00:00:00.000Z', 'f1')`);
    await db.run(sql`insert into flags (id, rule, subject_code, condition_key, evidence, severity, status, raised_at, updated_at)
      values ('f1', 'complaint', 'O1', 'complaint:c1', ${JSON.stringify({ complaintId: 'c1', responseId: 'r1', period: '2026Q3', text: '态度恶劣 old-complaint' })}, 'medium', 'open', '2026-08-02T00:00:00.000Z', '2026-08-02T00:00:00.000Z')`);
    await db.run(sql`insert into policies (hash, version, document, created_at) values ('p1', 'v1', '{}', '2026-08-01T00:00:00.000Z')`);
    await db.run(sql`insert into grading_runs (id, period, policy_hash, input_digest, status, created_by, created_at, published_by, published_at)
      values ('run1', '2026Q3', 'p1', 'd', 'published', 'u1', '2026-10-01T00:00:00.000Z', 'u2', '2026-10-02T00:00:00.000Z')`);

    await migrateDb(db); // today's migrations, in place

    expect(await db.all(sql`select id, taxpayer_code, interaction_ref from invitations`)).toEqual([{ id: 'inv1', taxpayer_code: 'T1', interaction_ref: 'HALL-1' }]);
    expect(await db.all(sql`select r.id from feedback_responses r join invitations i on i.id = r.invitation_id`)).toEqual([{ id: 'r1' }]);
    const [flag] = await db.all<{ evidence: string }>(sql`select evidence from flags where id = 'f1'`);
    expect(JSON.parse(flag!.evidence)).toEqual({ complaintId: 'c1', responseId: 'r1', period: '2026Q3' });
    expect(await db.all(sql`select text from complaints`)).toEqual([{ text: '态度恶劣 old-complaint' }]);
    expect((await policyInEffect({ db }, '2026Q3')).builtIn).toBe(true);
    expect(await db.all(sql`pragma foreign_key_check`)).toEqual([]);

    const ctx = { db, clock: fixedClock('2026-10-20T00:00:00.000Z'), signer: signerFromSeed(randomSeed()), config: defaultConfig, actor: { kind: 'system', name: 'retention' } as const };
    expect(await runRetention({ ctx })).toMatchObject({ closedQuarters: ['2026Q3'], linksCut: 1 });
    expect(await db.all(sql`select taxpayer_code, interaction_ref from invitations`)).toEqual([{ taxpayer_code: null, interaction_ref: 'cut:inv1' }]);
  });
});
