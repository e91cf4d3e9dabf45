/**
 * Writes a synthetic bureau (scripts/synthetic) straight into a libsql file: the migrated schema,
 * then bulk multi-row INSERTs with the journal and fsync off (generation only; the scenarios run
 * on a copy opened the normal way). Feedback responses come with their invitations; the first
 * `size.audit` responses also get their audit leaf (leaf bytes as commit() builds them, leaf hash
 * with node:crypto), so the audit scenarios have a log of that size.
 *
 * The file is cached under bench/.data keyed by size, seed, "today" and a digest of the schema
 * migrations and the generator's sources, so a rerun reuses it and any change regenerates it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import * as schema from '../db/schema.js';
import { migrationsFolder } from '../db/client.js';
import { leafBytes } from '../src/audit/append.js';
import { responseCommitment } from '../src/feedback/commitment.js';
import { generateBureau, type Bureau } from '../scripts/synthetic/bureau.js';
import { createRng } from '../scripts/synthetic/prng.js';
import type { BureauSize } from '../scripts/synthetic/sizes.js';
import { BulkWriter } from './bulk-writer.js';

export interface BenchDbInfo {
  file: string;
  size: BureauSize;
  seed: string;
  today: string;
  gradedPeriod: string;
  turnoverThreshold: number;
  counts: Record<string, number>;
  generatedMs: number;
  /** Units and peer groups, for the import scenario's rows. */
  unitCodes: string[];
  /** Active officers able to receive new invitations (a sample). */
  rateable: { officerCode: string; taxpayerCode: string }[];
}

const here = fileURLToPath(new URL('.', import.meta.url));
export const defaultDataDir = join(here, '.data');

const synthetic = join(here, '..', 'scripts', 'synthetic');

function sourceDigest(): string {
  const h = createHash('sha256');
  const files = [
    ...readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql')).sort().map((f) => join(migrationsFolder, f)),
    join(here, 'generate.ts'),
    join(here, 'bulk-writer.ts'),
    // The generator is bureau.ts and its stages (bureau-*.ts), with its names, PRNG and sizes.
    ...readdirSync(synthetic)
      .filter((f) => /^bureau(-[a-z]+)?\.ts$/.test(f) || ['names.ts', 'prng.ts', 'sizes.ts'].includes(f))
      .sort()
      .map((f) => join(synthetic, f)),
  ];
  for (const f of files) h.update(f.replace(/^.*\//, '')).update(readFileSync(f));
  return h.digest('hex').slice(0, 12);
}

/** Returns the cached bench database for this size and seed, generating it first if needed. */
export async function ensureBenchDb(opts: {
  size: BureauSize;
  seed: string;
  today: string;
  dir?: string;
  log?: (msg: string) => void;
}): Promise<BenchDbInfo> {
  const dir = opts.dir ?? defaultDataDir;
  mkdirSync(dir, { recursive: true });
  const key = `${opts.size.label}-${opts.seed}-${opts.today}-${sourceDigest()}`;
  const file = join(dir, `${key}.db`);
  const infoFile = join(dir, `${key}.json`);
  if (existsSync(file) && existsSync(infoFile)) return JSON.parse(readFileSync(infoFile, 'utf8')) as BenchDbInfo;
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  const info = await generateInto(tmp, opts);
  renameSync(tmp, file);
  // Older generations of this size and seed (another schema or generator) are gigabytes: drop them.
  const prefix = `${opts.size.label}-${opts.seed}-`;
  for (const f of readdirSync(dir)) {
    if (f.startsWith(prefix) && !f.startsWith(key) && /\.(db|json)$/.test(f)) rmSync(join(dir, f), { force: true });
  }
  const out = { ...info, file };
  writeFileSync(infoFile, JSON.stringify(out, null, 2));
  return out;
}

const LEAF_PREFIX = Buffer.from([0]);

async function generateInto(
  file: string,
  opts: { size: BureauSize; seed: string; today: string; log?: (msg: string) => void },
): Promise<Omit<BenchDbInfo, 'file'>> {
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const client = createClient({ url: `file:${file}` });
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder });
  await client.execute('PRAGMA journal_mode = OFF');
  await client.execute('PRAGMA synchronous = OFF');
  await client.execute('PRAGMA foreign_keys = OFF');
  await client.execute('PRAGMA cache_size = -2000000');
  await client.execute('PRAGMA temp_store = MEMORY');
  // Secondary indexes are built once at the end (a sort) instead of row by row (random inserts
  // into ever larger B-trees): the same schema, several times faster to load.
  const indexes = (await client.execute(`select name, sql from sqlite_master where type = 'index' and sql is not null`)).rows.map((r) => ({
    name: String(r.name),
    sql: String(r.sql),
  }));
  for (const ix of indexes) await client.execute(`DROP INDEX "${ix.name}"`);
  // Insert triggers that check each row against another table (a vote against its panel seat)
  // would see rows in statement order, not generation order: off while loading, back after.
  const checks = (await client.execute(`select name, sql from sqlite_master where type = 'trigger' and sql like '%BEFORE INSERT%'`)).rows.map((r) => ({ name: String(r.name), sql: String(r.sql) }));
  for (const tr of checks) await client.execute(`DROP TRIGGER "${tr.name}"`);

  const b: Bureau = generateBureau({ size: opts.size, seed: opts.seed, today: opts.today });
  log(`generated master data in ${Date.now() - t0} ms (${b.officers.length} officers, ${b.taxpayers.length} taxpayers)`);
  const w = new BulkWriter(client);
  for (const u of b.units) await w.add(schema.units, u);
  for (const o of b.officers) await w.add(schema.officers, { ...o, leaveDate: o.leaveDate ?? null, supervisorCode: o.supervisorCode ?? null });
  for (const t of b.taxpayers) await w.add(schema.taxpayers, t);
  for (const a of b.assignments) await w.add(schema.assignments, { ...a, to: a.to ?? null });
  for (const p of b.periods) await w.add(schema.periods, p);
  for (const r of b.workload) await w.add(schema.workload, r);
  for (const r of b.assessments) await w.add(schema.assessments, r);
  for (const r of b.thresholds) await w.add(schema.thresholds, { ...r, validTo: r.validTo ?? null });
  await w.flush();
  log(`master data written at ${Date.now() - t0} ms`);

  // Responses with their invitations; the first size.audit get an audit leaf each.
  let seq = 0;
  // Ids shaped like newId(): prefix, base-36 time, 16 hex digits (from a seeded stream here).
  const idRng = createRng(`${opts.seed}:ids`);
  const idFor = (prefix: string, ms: number) => `${prefix}_${ms.toString(36)}${idRng.hex(16)}`;
  for (const r of b.responses()) {
    const sub = Date.parse(r.submittedAt);
    const inv = Date.parse(r.invitedAt);
    const invitationId = idFor('inv', inv);
    const responseId = idFor('fbr', sub);
    await w.add(schema.invitations, {
      id: invitationId,
      tokenHash: idRng.hex(64),
      officerCode: r.officerCode,
      taxpayerCode: r.taxpayerCode,
      interactionRef: r.interactionRef,
      createdBy: 'usr_bench_intake',
      createdAt: r.invitedAt,
      expiresAt: new Date(inv + 30 * 86_400_000).toISOString(),
      usedAt: r.submittedAt,
      sampleId: null,
    });
    const { professionalism, attitude, efficiency, integrity } = r.ratings;
    const mean = (professionalism + attitude + efficiency + integrity) / 4;
    const period = `${r.submittedAt.slice(0, 4)}Q${Math.floor((Number(r.submittedAt.slice(5, 7)) - 1) / 3) + 1}`;
    let auditIndex: number | null = null;
    let commitmentNonce: string | null = null;
    if (seq < opts.size.audit) {
      // The same leaf as submitFeedback writes: the period and a salted commitment to the response.
      commitmentNonce = idRng.hex(32);
      const commitment = responseCommitment({ nonce: commitmentNonce, invitationId, officerCode: r.officerCode, ratings: r.ratings, comment: r.comment ?? null, complaint: r.complaint ?? null });
      const leaf = leafBytes({
        action: 'feedback.submit',
        actor: 'taxpayer',
        at: r.submittedAt,
        entity: 'feedback_response',
        entityId: responseId,
        payload: { period, commitment },
      });
      const leafHash = createHash('sha256').update(LEAF_PREFIX).update(leaf).digest('hex');
      auditIndex = seq;
      await w.add(schema.auditEntries, {
        seq: seq++,
        at: r.submittedAt,
        actor: 'taxpayer',
        action: 'feedback.submit',
        entity: 'feedback_response',
        entityId: responseId,
        leaf,
        leafHash,
      });
    }
    await w.add(schema.feedbackResponses, {
      id: responseId,
      invitationId,
      officerCode: r.officerCode,
      period,
      submittedAt: r.submittedAt,
      professionalism,
      attitude,
      efficiency,
      integrity,
      mean,
      comment: r.comment ?? null,
      complaint: r.complaint ?? null,
      status: 'accepted',
      commitmentNonce,
      auditIndex,
    });
    if (r.complaint) {
      await w.add(schema.complaints, {
        id: idFor('cmp', sub),
        responseId,
        officerCode: r.officerCode,
        text: r.complaint,
        createdAt: r.submittedAt,
        flagId: null,
      });
    }
  }
  await w.flush();
  log(`responses written at ${Date.now() - t0} ms`);

  const decisionIds: string[] = [];
  for (const d of b.decisions()) {
    const ms = Date.parse(d.decidedAt);
    const id = idFor('dec', ms);
    decisionIds[d.index] = id;
    await w.add(schema.decisions, {
      id,
      type: d.type,
      deciderUserId: `usr_bench_${d.deciderCode}`,
      deciderCode: d.deciderCode,
      subjectOfficerCode: null,
      taxpayerCode: d.taxpayerCode,
      amount: d.amount,
      threshold: d.threshold ?? null,
      justification: d.justification,
      decidedAt: d.decidedAt,
      recordedAt: d.decidedAt,
      violationType: d.violationType ?? null,
      amends: d.amends === undefined ? null : decisionIds[d.amends]!,
      amendReason: d.amendReason ?? null,
      auditIndex: null,
    });
    for (const r of d.reviewers) {
      // The generated votes are the members' own (decision_votes), as the service takes them now;
      // the seat carries no vote a decider typed.
      await w.add(schema.decisionReviewers, { decisionId: id, officerCode: r.officerCode, vote: null, investigated: r.investigated });
      if (r.vote) await w.add(schema.decisionVotes, { decisionId: id, officerCode: r.officerCode, vote: r.vote, reason: 'generated', userId: `usr_bench_${r.officerCode}`, castAt: d.decidedAt });
    }
  }
  await w.flush();
  log(`decisions written at ${Date.now() - t0} ms`);

  for (const ix of indexes) await client.execute(ix.sql);
  for (const tr of checks) await client.execute(tr.sql);
  log(`indexes built at ${Date.now() - t0} ms`);
  // Planner statistics, as a long-running database would have them.
  await client.execute('ANALYZE');
  client.close();

  // The audit tree's node cache, built by the audit module itself when it is there.
  const treeStore = await import('../src/audit/tree-store.js').catch(() => null);
  if (treeStore && typeof treeStore.syncTree === 'function') {
    const c2 = createClient({ url: `file:${file}` });
    await c2.execute('PRAGMA synchronous = OFF');
    const out = await treeStore.syncTree(drizzle(c2, { schema }));
    c2.close();
    log(`audit node cache synced (${JSON.stringify(out)}) at ${Date.now() - t0} ms`);
  }

  const rateable: BenchDbInfo['rateable'] = [];
  const activeOfficers = b.officers.filter((o) => !o.leaveDate);
  const currentTaxpayer = new Map<string, string>();
  for (const a of b.assignments) if (!a.to) currentTaxpayer.set(a.officerCode, a.taxpayerCode);
  for (let i = 0; i < Math.min(500, activeOfficers.length); i++) {
    const o = activeOfficers[Math.floor((i * activeOfficers.length) / Math.min(500, activeOfficers.length))]!;
    rateable.push({ officerCode: o.code, taxpayerCode: currentTaxpayer.get(o.code) ?? b.taxpayers[i % b.taxpayers.length]!.code });
  }
  return {
    size: opts.size,
    seed: opts.seed,
    today: opts.today,
    gradedPeriod: b.gradedPeriod,
    turnoverThreshold: b.turnoverThreshold,
    counts: Object.fromEntries(w.counts),
    generatedMs: Date.now() - t0,
    unitCodes: b.units.map((u) => u.code),
    rateable,
  };
}
