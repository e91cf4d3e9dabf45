/**
 * Grading fixtures: officers, units, workload, assessments, feedback responses and confirmed
 * flags inserted straight into a test database, plus the engine input the same specification
 * should aggregate to (built here by hand, independently of src/grading/inputs.ts).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { assessments, feedbackResponses, flags, invitations, officers, taxpayers, units, workload } from '../../db/schema.js';
import type { EngineInput, OfficerInput } from '../../scoring/index.js';
import { parsePeriod } from '../../src/core/period.js';

export interface OfficerSpec {
  code: string;
  name?: string;
  unitCode: string;
  team?: string;
  hireDate?: string;
  positionStartDate?: string;
  leaveDate?: string | null;
  /** Workload counts of the graded period by kind. */
  workload?: Record<string, number>;
  /** Workload of other periods (must not count). */
  otherWorkload?: { period: string; kind: string; count: number }[];
  assessments?: { category: string; raw: number; max: number; takenOn: string }[];
  /** Ratings [professionalism, attitude, efficiency, integrity] of accepted responses in the period. */
  feedback?: [number, number, number, number][];
  /** Responses that must not count: voided ones, or ones of another period. */
  otherFeedback?: { ratings: [number, number, number, number]; status?: 'accepted' | 'voided'; period?: string }[];
  flags?: { severity: 'low' | 'medium' | 'high' | 'critical'; outcome?: 'confirmed' | 'false_positive'; closedAt: string; rule?: string }[];
}

export interface GradingFixture {
  period: string;
  units: { code: string; name: string; peerGroup: string }[];
  officers: OfficerSpec[];
}

let seq = 0;
const uid = (p: string) => `${p}_${Date.now().toString(36)}_${++seq}`;

async function insertChunked(db: Db, table: Parameters<Db['insert']>[0], rows: Record<string, unknown>[], cols: number) {
  const per = Math.max(1, Math.floor(100 / cols));
  const stmts = [];
  for (let i = 0; i < rows.length; i += per) stmts.push(db.insert(table).values(rows.slice(i, i + per) as never));
  if (stmts.length) await db.batch(stmts as [never, ...never[]]);
}

/** Inserts the fixture's rows (the test database is fresh, so codes only need to be unique in it). */
export async function seedGrading(db: Db, f: GradingFixture): Promise<void> {
  const range = parsePeriod(f.period)!;
  await insertChunked(db, units, f.units, 3);
  await insertChunked(
    db,
    officers,
    f.officers.map((o) => ({
      code: o.code,
      name: o.name ?? `Officer ${o.code}`,
      unitCode: o.unitCode,
      team: o.team ?? 'service',
      hireDate: o.hireDate ?? '2015-01-01',
      positionStartDate: o.positionStartDate ?? '2020-01-01',
      leaveDate: o.leaveDate ?? null,
      supervisorCode: null,
    })),
    8,
  );
  const wl: Record<string, unknown>[] = [];
  const as: Record<string, unknown>[] = [];
  const tps: Record<string, unknown>[] = [];
  const invs: Record<string, unknown>[] = [];
  const resps: Record<string, unknown>[] = [];
  const fls: Record<string, unknown>[] = [];
  const respond = (o: OfficerSpec, r: [number, number, number, number], status: 'accepted' | 'voided', period: string) => {
    const tp = uid('tp');
    const inv = uid('inv');
    const p = parsePeriod(period)!;
    tps.push({ code: tp, name: `Taxpayer ${tp}`, category: 'general' });
    invs.push({ id: inv, tokenHash: uid('h'), officerCode: o.code, taxpayerCode: tp, interactionRef: uid('ir'), createdBy: 'test', createdAt: `${p.start}T09:00:00.000Z`, expiresAt: `${p.end}T23:00:00.000Z`, usedAt: `${p.start}T10:00:00.000Z`, sampleId: null });
    resps.push({
      id: uid('rsp'),
      invitationId: inv,
      officerCode: o.code,
      period,
      submittedAt: `${p.start}T10:00:00.000Z`,
      professionalism: r[0],
      attitude: r[1],
      efficiency: r[2],
      integrity: r[3],
      mean: (r[0] + r[1] + r[2] + r[3]) / 4,
      comment: null,
      complaint: null,
      status,
      voidReason: status === 'voided' ? 'test' : null,
      voidedBy: null,
      voidedAt: null,
      auditIndex: null,
    });
  };
  for (const o of f.officers) {
    for (const [kind, count] of Object.entries(o.workload ?? {})) wl.push({ officerCode: o.code, period: f.period, kind, count });
    for (const w of o.otherWorkload ?? []) wl.push({ officerCode: o.code, period: w.period, kind: w.kind, count: w.count });
    for (const a of o.assessments ?? []) as.push({ officerCode: o.code, ...a });
    for (const r of o.feedback ?? []) respond(o, r, 'accepted', f.period);
    for (const r of o.otherFeedback ?? []) respond(o, r.ratings, r.status ?? 'accepted', r.period ?? f.period);
    for (const [k, fl] of (o.flags ?? []).entries()) {
      const id = `flg_${o.code}_${k}`;
      fls.push({
        id,
        rule: fl.rule ?? 'complaint',
        subjectCode: o.code,
        conditionKey: id,
        evidence: { test: true },
        severity: fl.severity,
        status: 'closed',
        outcome: fl.outcome ?? 'confirmed',
        reviewerUserId: null,
        draw: null,
        raisedAt: `${range.start}T00:00:00.000Z`,
        updatedAt: fl.closedAt,
        closedAt: fl.closedAt,
      });
    }
  }
  await insertChunked(db, workload, wl, 4);
  await insertChunked(db, assessments, as, 5);
  await insertChunked(db, taxpayers, tps, 3);
  await insertChunked(db, invitations, invs, 10);
  await insertChunked(db, feedbackResponses, resps, 17);
  await insertChunked(db, flags, fls, 13);
}

/** The engine input the fixture should aggregate to, by hand (default policy: 4-quarter lookback). */
export function expectedInput(f: GradingFixture): EngineInput {
  const p = parsePeriod(f.period)!;
  const y = Number(f.period.slice(0, 4));
  const q = Number(f.period.slice(5));
  const idx = y * 4 + (q - 1) - 3;
  const lookStart = parsePeriod(`${Math.floor(idx / 4)}Q${(idx % 4) + 1}`)!.start;
  const unit = new Map(f.units.map((u) => [u.code, u]));
  const officersIn: OfficerInput[] = f.officers
    .filter((o) => (o.hireDate ?? '2015-01-01') <= p.end && (!o.leaveDate || o.leaveDate >= p.start))
    .map((o) => ({
      code: o.code,
      name: o.name ?? `Officer ${o.code}`,
      unitCode: o.unitCode,
      peerGroup: unit.get(o.unitCode)!.peerGroup,
      team: o.team ?? 'service',
      hireDate: o.hireDate ?? '2015-01-01',
      positionStartDate: o.positionStartDate ?? '2020-01-01',
      leaveDate: o.leaveDate ?? null,
      workload: { ...(o.workload ?? {}) },
      assessments: (o.assessments ?? [])
        .filter((a) => a.takenOn >= lookStart && a.takenOn <= p.end)
        .sort((a, b) => (a.category < b.category ? -1 : a.category > b.category ? 1 : a.takenOn < b.takenOn ? -1 : 1)),
      feedback: { n: (o.feedback ?? []).length, sumMeans: (o.feedback ?? []).reduce((s, r) => s + (r[0] + r[1] + r[2] + r[3]) / 4, 0) },
      penalties: (o.flags ?? [])
        .map((fl, k) => ({ fl, flagId: `flg_${o.code}_${k}` }))
        .filter(({ fl }) => (fl.outcome ?? 'confirmed') === 'confirmed' && fl.closedAt.slice(0, 10) >= p.start && fl.closedAt.slice(0, 10) <= p.end)
        .map(({ fl, flagId }) => ({ flagId, rule: fl.rule ?? 'complaint', severity: fl.severity })),
    }));
  return { period: { code: p.code, start: p.start, end: p.end }, officers: officersIn };
}

/**
 * A period's worth of varied officers: two peer groups (urban with 8, county with 4, so county
 * falls back to the whole run), one officer hired too late to be graded, one without any
 * assessment, feedback from 0 to 6 responses, and noise that must not count.
 */
export function standardFixture(period = '2026Q3'): GradingFixture {
  const kinds = ['key_taxpayer', 'general_taxpayer', 'tax_assessment_case', 'inspection_visit'];
  const officersSpec: OfficerSpec[] = [];
  for (let i = 1; i <= 12; i++) {
    const code = `O${String(i).padStart(3, '0')}`;
    const urban = i <= 8;
    const wl: Record<string, number> = {};
    kinds.forEach((k, j) => {
      wl[k] = ((i * 7 + j * 3) % 11) + (urban ? 10 : 2);
    });
    officersSpec.push({
      code,
      name: i === 3 ? '张三, "小张"' : i === 4 ? '李四' : `Officer ${i}`,
      unitCode: urban ? 'U-CITY' : 'U-COUNTY',
      team: i % 3 === 0 ? 'risk_analysis' : i % 3 === 1 ? 'service' : 'assessment',
      positionStartDate: `${2010 + (i % 12)}-0${1 + (i % 9)}-15`,
      hireDate: i === 12 ? '2026-09-01' : '2008-03-01',
      workload: wl,
      otherWorkload: [{ period: '2026Q2', kind: 'key_taxpayer', count: 99 }],
      assessments:
        i === 5
          ? []
          : [
              { category: 'tax_law', raw: 60 + ((i * 13) % 40), max: 100, takenOn: '2026-08-10' },
              { category: 'tax_law', raw: 50, max: 100, takenOn: '2026-02-10' },
              { category: 'accounting', raw: 30 + ((i * 7) % 20), max: 50, takenOn: '2025-11-20' },
              { category: 'law', raw: 99, max: 100, takenOn: '2025-06-30' },
            ],
      feedback: Array.from({ length: i % 7 }, (_, k) => [5 - (k % 2), 4, 3 + (i % 3), 5 - (i % 2)] as [number, number, number, number]),
      otherFeedback: [
        { ratings: [1, 1, 1, 1], status: 'voided' },
        { ratings: [1, 1, 1, 1], period: '2026Q2' },
      ],
      flags: i === 2 ? [{ severity: 'high', closedAt: '2026-08-15T10:00:00.000Z' }, { severity: 'critical', closedAt: '2026-10-02T10:00:00.000Z' }, { severity: 'medium', outcome: 'false_positive', closedAt: '2026-08-16T10:00:00.000Z' }] : [],
    });
  }
  return {
    period,
    units: [
      { code: 'U-CITY', name: '市区分局', peerGroup: 'urban' },
      { code: 'U-COUNTY', name: '县局', peerGroup: 'county' },
    ],
    officers: officersSpec,
  };
}

/** Adds one accepted response for an officer in the period (changes the input digest). */
export async function addResponse(db: Db, officerCode: string, period: string, ratings: [number, number, number, number]) {
  const p = parsePeriod(period)!;
  const tp = uid('tp');
  const inv = uid('inv');
  await db.run(sql`insert into taxpayers (code, name, category) values (${tp}, ${tp}, 'general')`);
  await db.run(sql`insert into invitations (id, token_hash, officer_code, taxpayer_code, interaction_ref, created_by, created_at, expires_at) values (${inv}, ${uid('h')}, ${officerCode}, ${tp}, ${uid('ir')}, 'test', ${p.start + 'T00:00:00.000Z'}, ${p.end + 'T00:00:00.000Z'})`);
  await db.run(sql`insert into feedback_responses (id, invitation_id, officer_code, period, submitted_at, professionalism, attitude, efficiency, integrity, mean, status) values (${uid('rsp')}, ${inv}, ${officerCode}, ${period}, ${p.start + 'T11:00:00.000Z'}, ${ratings[0]}, ${ratings[1]}, ${ratings[2]}, ${ratings[3]}, ${(ratings[0] + ratings[1] + ratings[2] + ratings[3]) / 4}, 'accepted')`);
}
