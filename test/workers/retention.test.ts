/**
 * Retention on D1, run by the Worker's cron trigger (src/scheduled.ts): the invitation link of a
 * published quarter past its appeal window is cut, complaint and comment text older than 3 years
 * is erased, each in an audited batch; the log still verifies and the published results are
 * unchanged. And the migration that lets the link be cut upgrades a D1 database with data in it
 * (applied as `wrangler d1 migrations apply` does: one file, one transaction).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, eventually, startWorker, workerOnD1 } from './support.js';
import { root } from './global-setup.js';

const worker = workerOnD1();
const { call, user } = worker;

/** The quarter before the one of `iso`. */
function previousQuarter(iso: string): string {
  const y = Number(iso.slice(0, 4));
  const q = Math.floor((Number(iso.slice(5, 7)) - 1) / 3) + 1;
  return q === 1 ? `${y - 1}Q4` : `${y}Q${q - 1}`;
}
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

describe('retention on D1, from the cron trigger', () => {
  it('cuts the link, erases old text, audits both; the log verifies and the results stand', async () => {
    const hr1 = await user('hr', 'rt-hr1');
    const hr2 = await user('hr', 'rt-hr2');
    const intake = await user('intake', 'rt-intake');
    const imported = await call('POST', '/api/v1/import', {
      token: hr1,
      json: {
        units: [{ code: 'RU1', name: '城东分局', peerGroup: 'urban' }],
        officers: ['RO1', 'RO2', 'RO3'].map((code) => ({ code, name: code, unitCode: 'RU1', team: 'service', hireDate: '2012-01-01', positionStartDate: '2015-03-01' })),
        taxpayers: [{ code: '92RT0001', name: '城东区周敏理发店', category: 'individual' }],
      },
    });
    expect(imported.status, await imported.clone().text()).toBe(200);
    const inv = (await (await call('POST', '/api/v1/invitations', { token: intake, json: { officerCode: 'RO1', taxpayerCode: '92RT0001', interactionRef: 'RT-HALL-1' } })).json()) as { id: string; token: string };
    const form = new URLSearchParams({ professionalism: '2', attitude: '1', efficiency: '2', integrity: '3', comment: 'rt-comment', fileComplaint: '1', complaint: 'rt-complaint 当众训斥' });
    const submitted = await call('POST', `/f/${inv.token}`, { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://grading.test' } });
    expect(submitted.status).toBe(200);

    // Time passes: the response belongs to last quarter, written over 3 years ago (the cron uses the real clock).
    const period = previousQuarter(new Date().toISOString());
    const d1 = worker.d1;
    const old = daysAgo(4 * 366);
    await d1.prepare('update feedback_responses set period = ?1, submitted_at = ?2').bind(period, old).run();
    await d1.prepare('update complaints set created_at = ?1').bind(old).run();
    const run = (await (await call('POST', '/api/v1/grading-runs', { token: hr1, json: { period } })).json()) as { id: string };
    expect((await call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: hr2 })).status).toBe(200);
    await d1.prepare('update grading_runs set published_at = ?1 where id = ?2').bind(daysAgo(20), run.id).run();
    const results = async () => (await (await call('GET', `/api/v1/grading-runs/${run.id}/results?limit=1000`, { token: hr1 })).json()) as unknown;
    const before = await results();

    const scheduled = await (await worker.mf.getWorker()).scheduled({ cron: '*/15 * * * *' });
    expect(scheduled.outcome).toBe('ok');
    // The trigger starts a Workflow instance (as deployed) and returns; the jobs run after it.
    await eventually(async () => {
      const { results } = await d1.prepare("select count(*) as n from audit_entries where action = 'retention.erase_text'").all<{ n: number }>();
      return results[0]!.n > 0 ? true : undefined;
    }, "the cron's Workflow to run retention");

    const { results: invitations } = await d1.prepare('select taxpayer_code, interaction_ref, commitment_nonce, link_cut_at from invitations').all();
    expect(invitations).toEqual([{ taxpayer_code: null, interaction_ref: `cut:${inv.id}`, commitment_nonce: null, link_cut_at: expect.any(String) }]);
    const { results: complaints } = await d1.prepare('select text, text_erased_at from complaints').all();
    expect(complaints).toEqual([{ text: '', text_erased_at: expect.any(String) }]);
    const { results: responses } = await d1.prepare('select comment, complaint, professionalism from feedback_responses').all();
    expect(responses).toEqual([{ comment: null, complaint: null, professionalism: 2 }]);
    const { results: entries } = await d1.prepare("select actor, action from audit_entries where action like 'retention.%' order by seq").all();
    expect(entries).toEqual([
      { actor: 'system:retention', action: 'retention.cut_links' },
      { actor: 'system:retention', action: 'retention.erase_text' },
    ]);
    const { results: leaves } = await d1.prepare('select leaf from audit_entries').all<{ leaf: string }>();
    for (const s of ['rt-complaint', 'rt-comment', '92RT0001', '周敏', 'RT-HALL-1']) expect(leaves.map((l) => l.leaf).join('\n')).not.toContain(s);

    const verified = (await (await call('GET', '/api/v1/audit/verify', { token: ADMIN_TOKEN })).json()) as { ok: boolean };
    expect(verified.ok).toBe(true);
    expect(await results()).toEqual(before);
  });

  it('the migration that lets the link be cut upgrades a D1 database with invitations and responses in it', async () => {
    const mf = await startWorker();
    try {
      const d1 = await mf.getD1Database('DB');
      const files = readdirSync(join(root, 'db/migrations')).filter((f) => f.endsWith('.sql')).sort();
      const upgrade = files.findIndex((f) => f.includes('invitation_link_can_be_cut'));
      expect(upgrade).toBeGreaterThan(0);
      const statements = (file: string) => readFileSync(join(root, 'db/migrations', file), 'utf8').split('--> statement-breakpoint').filter((s) => s.trim());
      for (const file of files.slice(0, upgrade)) for (const s of statements(file)) await d1.prepare(s).run();
      await d1.batch([
        d1.prepare("insert into units (code, name, peer_group) values ('U', 'U', 'urban')"),
        d1.prepare("insert into officers (code, name, unit_code, team, hire_date, position_start_date) values ('O', 'O', 'U', 'service', '2015-01-01', '2018-01-01')"),
        d1.prepare("insert into taxpayers (code, name, category) values ('T', 'T', 'general')"),
        d1.prepare("insert into invitations (id, token_hash, officer_code, taxpayer_code, interaction_ref, created_by, created_at, expires_at) values ('i1', 'h', 'O', 'T', 'r', 'u', '2026-01-01', '2026-02-01')"),
        d1.prepare("insert into feedback_responses (id, invitation_id, officer_code, period, submitted_at, professionalism, attitude, efficiency, integrity, mean) values ('r1', 'i1', 'O', '2026Q1', '2026-01-02', 5, 5, 5, 5, 5)"),
      ]);
      // As wrangler applies one migration file: all its statements in one transaction.
      await d1.batch(statements(files[upgrade]!).map((s) => d1.prepare(s)));
      for (const file of files.slice(upgrade + 1)) for (const s of statements(file)) await d1.prepare(s).run();
      expect((await d1.prepare('select r.id, i.taxpayer_code from feedback_responses r join invitations i on i.id = r.invitation_id').all()).results).toEqual([{ id: 'r1', taxpayer_code: 'T' }]);
      await d1.prepare("update invitations set taxpayer_code = null where id = 'i1'").run();
      expect((await d1.prepare('pragma foreign_key_check').all()).results).toEqual([]);
    } finally {
      await mf.dispose();
    }
  });
});
