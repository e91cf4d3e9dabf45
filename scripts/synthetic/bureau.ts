/**
 * The synthetic tax bureau: one deterministic generator, parameterised by size, used by the demo
 * (a municipal bureau loaded through the service verbs) and by the bench (a province written
 * straight into a libsql file). Same seed and size, same data, on every machine.
 *
 * Master data and inputs come out in the shapes of the import API (API.md), so the demo can hand
 * them to importData unchanged. Feedback responses and decisions are streams (generators), so the
 * bench can write a million of each without holding them in memory.
 *
 * What is planted on purpose, so that the oversight rules have something to find:
 * - a few officers who never rotate their taxpayers (rotation due: > 3 years on one taxpayer);
 * - a few officers whose assessed turnovers bunch just under the 20,000 yuan threshold;
 * - a few officers who waive penalties far more than their peers (peer outlier);
 * - officers who always sit with the same reviewer (reviewer concentration), panels with one
 *   reviewer (sole decider) or a missing vote (no quorum);
 * - repeat first-violation waivers, late amendments and amendments that cross the threshold;
 * - feedback bursts and a few complaints;
 * - leavers and late hires, so some officers are not graded.
 */
import type { ImportInput } from '../../src/imports/rows.js';
import { createRng, type Rng } from './prng.js';
import {
  cityNames,
  companyName,
  complaintTexts,
  criticism,
  districtNames,
  justifications,
  personName,
  praise,
  shopName,
  violationTypes,
} from './names.js';
import type { BureauSize } from './sizes.js';

export const teams = ['风险分析', '评估', '综合管理', '纳税服务'] as const;
export type Team = (typeof teams)[number];

// Master data and inputs in exactly the import API's row shapes (src/imports/import.ts).
type Rows<K extends keyof ImportInput> = NonNullable<ImportInput[K]>[number];
export type UnitRow = Rows<'units'>;
export type OfficerRow = Rows<'officers'>;
export type TaxpayerRow = Rows<'taxpayers'>;
export type AssignmentRow = Rows<'assignments'>;
export type WorkloadRow = Rows<'workload'>;
export type AssessmentRow = Rows<'assessments'>;
export type ThresholdRow = Rows<'thresholds'>;

export interface ResponseEvent {
  index: number;
  officerCode: string;
  taxpayerCode: string;
  interactionRef: string;
  /** When the invitation was issued (the service interaction). */
  invitedAt: string;
  submittedAt: string;
  ratings: { professionalism: number; attitude: number; efficiency: number; integrity: number };
  comment?: string;
  complaint?: string;
}

export interface DecisionEvent {
  index: number;
  type: string;
  deciderCode: string;
  taxpayerCode: string;
  amount: number;
  threshold?: number;
  justification: string;
  decidedAt: string;
  violationType?: string;
  reviewers: { officerCode: string; vote: 'approve' | 'reject' | null; investigated: boolean }[];
  /** Index of the decision this one amends (always an earlier index). */
  amends?: number;
  amendReason?: string;
}

/** A generated bureau: every import kind (exactly as `POST /api/v1/import` takes it) and the events. */
export interface Bureau extends Required<ImportInput> {
  size: BureauSize;
  seed: string;
  today: string;
  /** The last complete quarter (graded by the demo and the bench). */
  gradedPeriod: string;
  /** Quarters with data, oldest first; the last is today's (incomplete) quarter. */
  periods: { code: string; startDate: string; endDate: string }[];
  /** With `size.fullYear`: the calendar year whose four quarters the demo publishes and reviews. */
  reviewYear: number | null;
  windowStart: string;
  /** The decision threshold the bunching is planted under (assessed turnover, yuan a month). */
  turnoverThreshold: number;
  /** Officers with planted behaviour, for the demo's printout and the tests. */
  planted: { noRotation: string[]; bunching: string[]; waiverHappy: string[]; favouriteReviewer: string[]; soloDecider: string[]; burst: string[] };
  responses(): Generator<ResponseEvent>;
  decisions(): Generator<DecisionEvent>;
}

// ---------------------------------------------------------------------------------------------
// Dates as day numbers (days since 1970-01-01, UTC)

const DAY = 86_400_000;
export const dayOf = (iso: string) => Math.floor(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY);
export const isoOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

export function quarterOf(iso: string): string {
  return `${iso.slice(0, 4)}Q${Math.floor((Number(iso.slice(5, 7)) - 1) / 3) + 1}`;
}
export function shiftQuarter(code: string, n: number): string {
  const idx = Number(code.slice(0, 4)) * 4 + (Number(code.slice(5)) - 1) + n;
  return `${Math.floor(idx / 4)}Q${(idx % 4) + 1}`;
}
export function quarterRange(code: string): { code: string; startDate: string; endDate: string } {
  const y = Number(code.slice(0, 4));
  const q = Number(code.slice(5));
  const start = new Date(Date.UTC(y, (q - 1) * 3, 1));
  const end = new Date(Date.UTC(y, q * 3, 0));
  return { code, startDate: start.toISOString().slice(0, 10), endDate: end.toISOString().slice(0, 10) };
}

/** A time on a working day's office hours (08:30-17:30 China time = 00:30-09:30 UTC). */
function officeTime(rng: Rng, day: number): string {
  let d = day;
  const dow = new Date(d * DAY).getUTCDay();
  if (dow === 0) d += 1;
  else if (dow === 6) d -= 1;
  const ms = d * DAY + (30 * 60 + rng.int(0, 9 * 3600 - 1)) * 1000 + rng.int(0, 999);
  return new Date(ms).toISOString();
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

// ---------------------------------------------------------------------------------------------

interface OfficerTraits {
  o: OfficerRow;
  unitIdx: number;
  hire: number;
  leave: number | null;
  quality: number; // latent feedback mean
  productivity: number;
  skill: number;
  manager: boolean;
  managed: number[]; // taxpayer indices currently managed
}

const peerDensity: Record<string, number> = { urban: 2.0, suburban: 1.2, development_zone: 1.5, county: 0.6 };
const peerStaffing: Record<string, number> = { urban: 1.4, suburban: 1.0, development_zone: 0.8, county: 0.7 };

const teamKinds: Record<Team, string[]> = {
  纳税服务: ['registration_case', 'invoice_review', 'general_taxpayer', 'individual_taxpayer', 'inspection_visit'],
  综合管理: ['key_taxpayer', 'general_taxpayer', 'individual_taxpayer', 'arrears_case', 'inspection_visit'],
  评估: ['tax_assessment_case', 'key_taxpayer', 'general_taxpayer', 'individual_taxpayer', 'inspection_visit'],
  风险分析: ['tax_assessment_case', 'arrears_case', 'inspection_visit', 'invoice_review', 'key_taxpayer'],
};
const kindBase: Record<string, number> = {
  key_taxpayer: 3,
  general_taxpayer: 30,
  individual_taxpayer: 60,
  tax_assessment_case: 12,
  arrears_case: 8,
  inspection_visit: 15,
  registration_case: 40,
  invoice_review: 120,
};
const assessmentCats = ['tax_law', 'accounting', 'law', 'data_analysis'];

export interface GenerateOptions {
  size: BureauSize;
  seed?: string;
  /** "Today" of the data, `YYYY-MM-DD`. */
  today: string;
}

/** Builds the bureau's master data and inputs now; responses and decisions stream on demand. */
export function generateBureau({ size, seed = 'tgo', today }: GenerateOptions): Bureau {
  const root = createRng(`${seed}:${size.label}:${today}`);
  const todayDay = dayOf(today);
  const currentQ = quarterOf(today);
  const gradedPeriod = shiftQuarter(currentQ, -1);
  let firstQ = shiftQuarter(gradedPeriod, -3);
  let reviewYear: number | null = null;
  if (size.fullYear) {
    // The quarters before the last complete one are published: the latest year they complete.
    const lastPublished = shiftQuarter(gradedPeriod, -1);
    reviewYear = Number(lastPublished.slice(0, 4)) - (lastPublished.endsWith('Q4') ? 0 : 1);
    if (`${reviewYear}Q1` < firstQ) firstQ = `${reviewYear}Q1`;
  }
  const periods: Bureau['periods'] = [];
  for (let q = firstQ; ; q = shiftQuarter(q, 1)) {
    periods.push(quarterRange(q));
    if (q === currentQ) break;
  }
  const windowStart = periods[0]!.startDate;
  const windowDay = dayOf(windowStart);
  // Responses and decisions are sized for five quarters; a longer window keeps their density.
  const streamScale = size.fullYear ? periods.length / 5 : 1;
  const responseCount = Math.round(size.responses * streamScale);
  const decisionCount = Math.round(size.decisions * streamScale);
  const width = size.officers >= 10_000 ? 5 : 4;

  // --- units ----------------------------------------------------------------------------------
  const units: UnitRow[] = [];
  const unitsPerCity = 8;
  const groupSeen: Record<string, number> = {};
  for (let i = 0; i < size.units; i++) {
    const city = cityNames[Math.floor(i / unitsPerCity) % cityNames.length]!;
    const cityNo = Math.floor(i / unitsPerCity) + 1;
    const j = i % unitsPerCity;
    const peerGroup = size.peerGroups[i % size.peerGroups.length]!;
    const district = districtNames[j % districtNames.length]!;
    let name: string;
    if (size.units <= 8) {
      // A municipal bureau: its district, zone and county branches.
      const k = (groupSeen[peerGroup] = (groupSeen[peerGroup] ?? -1) + 1);
      name =
        peerGroup === 'county' ? `${city}市${['青山', '白水', '石桥', '柳林'][k % 4]}县税务局`
        : peerGroup === 'development_zone' ? `${city}市${['高新技术产业开发区', '经济技术开发区'][k % 2]}税务局`
        : `${city}市${['城东', '城西', '城南', '城北'][k % 4]}区税务局`;
    } else {
      name =
        peerGroup === 'county' ? `${city}市${district.slice(0, 1)}${['阳', '平', '安', '宁'][j % 4]}县税务局`
        : peerGroup === 'development_zone' ? `${city}市${district}经济开发区税务局`
        : `${city}市${district}区税务局`;
    }
    units.push({ code: `144${pad(cityNo, 2)}${pad(j + 1, 2)}0000`, name, peerGroup });
  }

  // --- officers -------------------------------------------------------------------------------
  const rngO = root.fork('officers');
  const staffW = units.map((u) => peerStaffing[u.peerGroup] ?? 1);
  const staffTotal = staffW.reduce((a, b) => a + b, 0);
  const perUnit = staffW.map((w) => Math.max(6, Math.floor((size.officers * w) / staffTotal)));
  let diff = size.officers - perUnit.reduce((a, b) => a + b, 0);
  for (let i = 0; diff !== 0; i = (i + 1) % perUnit.length) {
    if (diff > 0) { perUnit[i]!++; diff--; }
    else if (perUnit[i]! > 6) { perUnit[i]!--; diff++; }
  }
  const traits: OfficerTraits[] = [];
  const officersByUnit: OfficerTraits[][] = units.map(() => []);
  let officerNo = 0;
  for (let ui = 0; ui < units.length; ui++) {
    const unit = units[ui]!;
    const chiefs = new Map<Team, string>();
    let headCode = '';
    for (let k = 0; k < perUnit[ui]!; k++) {
      const code = `E${pad(++officerNo, width)}`;
      const isHead = k === 0;
      const isChief = k >= 1 && k <= 4;
      const team: Team = isHead ? '综合管理' : isChief ? teams[k - 1]! : rngO.weighted(teams, [0.18, 0.22, 0.3, 0.3]);
      let years = isHead || isChief ? 12 + rngO.next() * 20 : rngO.chance(0.03) ? rngO.next() * 0.35 : 0.5 + Math.pow(rngO.next(), 1.3) * 34;
      if (years < 0.02) years = 0.02;
      const hire = todayDay - Math.floor(years * 365.25);
      const tenureYears = isHead || isChief ? 2 + rngO.next() * 8 : Math.pow(rngO.next(), 0.8) * years;
      const posStart = Math.max(hire, todayDay - Math.floor(tenureYears * 365.25));
      let leave: number | null = null;
      if (!isHead && !isChief && hire < windowDay && rngO.chance(0.03)) {
        leave = rngO.int(windowDay + 5, todayDay - 2);
      }
      const o: OfficerRow = {
        code,
        name: personName(rngO),
        unitCode: unit.code,
        team,
        hireDate: isoOf(hire),
        positionStartDate: isoOf(posStart),
      };
      if (leave !== null) o.leaveDate = isoOf(leave);
      if (isHead) headCode = code;
      else if (isChief) {
        o.supervisorCode = headCode;
        chiefs.set(team, code);
      } else o.supervisorCode = chiefs.get(team) ?? headCode;
      const t: OfficerTraits = {
        o,
        unitIdx: ui,
        hire,
        leave,
        quality: clamp(rngO.normal(4.3, 0.35), 2.6, 4.95),
        productivity: clamp(rngO.logNormal(0, 0.3), 0.4, 2.5),
        skill: rngO.normal(0, 1),
        manager: !isHead && team !== '风险分析',
        managed: [],
      };
      traits.push(t);
      officersByUnit[ui]!.push(t);
    }
  }
  const officers = traits.map((t) => t.o);
  const active = (t: OfficerTraits, day: number) => t.hire <= day && (t.leave === null || t.leave >= day);

  // Planted behaviour: a few per cent of officers, at least one or two each in the demo.
  const plantRng = root.fork('plant');
  const pickSome = (pool: OfficerTraits[], share: number, min: number) => {
    const n = Math.max(min, Math.round(pool.length * share));
    const out = new Set<OfficerTraits>();
    for (let guard = 0; out.size < Math.min(n, pool.length) && guard < n * 50; guard++) out.add(plantRng.pick(pool));
    return [...out];
  };
  const stayers = traits.filter((t) => t.leave === null && t.hire < todayDay - 365 * 7);
  const deciders = traits.filter((t) => t.leave === null && t.o.team !== '风险分析' && t.hire < windowDay);
  const noRotation = new Set(pickSome(stayers.filter((t) => t.manager), 0.04, 3));
  const bunching = new Set(pickSome(deciders, 0.02, 2));
  const waiverHappy = new Set(pickSome(deciders, 0.01, 1));
  const favouriteReviewer = new Set(pickSome(deciders, 0.02, 2));
  const soloDecider = new Set(pickSome(deciders, 0.01, 1));
  const burst = new Set(pickSome(traits.filter((t) => t.leave === null && t.hire < windowDay), 0.002, 2));

  // --- taxpayers and assignments --------------------------------------------------------------
  const rngT = root.fork('taxpayers');
  const densW = units.map((u, i) => (peerDensity[u.peerGroup] ?? 1) * perUnit[i]!);
  const densTotal = densW.reduce((a, b) => a + b, 0);
  const tpPerUnit = densW.map((w) => Math.floor((size.taxpayers * w) / densTotal));
  tpPerUnit[0]! += size.taxpayers - tpPerUnit.reduce((a, b) => a + b, 0);
  const taxpayers: TaxpayerRow[] = [];
  const taxpayerUnit: number[] = [];
  const taxpayersByUnit: number[][] = units.map(() => []);
  const assignments: AssignmentRow[] = [];
  let tpNo = 0;
  for (let ui = 0; ui < units.length; ui++) {
    const unit = units[ui]!;
    const place = unit.name.replace(/税务局$/, '').replace(/^.*市/, '') || '示范';
    const cityPlace = unit.name.replace(/市.*$/, '市');
    const managers = officersByUnit[ui]!.filter((t) => t.manager && t.leave === null);
    const leavers = officersByUnit[ui]!.filter((t) => t.manager && t.leave !== null);
    const capacity = managers.map((t) => t.productivity * (t.o.team === '评估' ? 0.6 : 1));
    for (let k = 0; k < tpPerUnit[ui]!; k++) {
      const idx = tpNo++;
      const r = rngT.next();
      const category: TaxpayerRow['category'] = r < 0.03 ? 'key' : r < 0.38 ? 'general' : 'individual';
      const serial = idx.toString(36).toUpperCase().padStart(7, '0');
      const code = `${category === 'individual' ? '92' : '91'}${unit.code.slice(1, 7)}MA${serial}${'0123456789ABCDEFGHJKLMNPQRTUWXY'[idx % 31]}`;
      const name = category === 'individual' ? shopName(rngT, place) : companyName(rngT, cityPlace, category === 'key');
      taxpayers.push({ code, name, category });
      taxpayerUnit.push(ui);
      taxpayersByUnit[ui]!.push(idx);
      if (managers.length === 0) continue;
      const cur = rngT.weighted(managers, capacity);
      let from: number;
      if (noRotation.has(cur) && rngT.chance(0.12)) from = todayDay - rngT.int(Math.ceil(3.1 * 365.25), 6 * 365);
      else from = todayDay - rngT.int(10, Math.floor(2.9 * 365.25));
      from = Math.max(from, cur.hire);
      if (from >= todayDay) from = todayDay - 1;
      const hasPrev = rngT.chance(0.35);
      if (hasPrev) {
        const prev = leavers.length > 0 && rngT.chance(0.5) ? rngT.pick(leavers) : rngT.pick(managers);
        let to = from;
        if (prev.leave !== null && prev !== cur) {
          to = Math.min(prev.leave, todayDay - 1);
          from = Math.max(to, cur.hire);
        }
        // Rotation: a previous officer kept the taxpayer a few months to under three years.
        const prevFrom = to - rngT.int(180, Math.floor(2.8 * 365));
        if (prev !== cur && prevFrom >= prev.hire && prevFrom < to && to <= from) {
          assignments.push({ taxpayerCode: code, officerCode: prev.o.code, from: isoOf(prevFrom), to: isoOf(to) });
        }
      }
      assignments.push({ taxpayerCode: code, officerCode: cur.o.code, from: isoOf(from) });
      cur.managed.push(idx);
    }
  }

  // --- workload ---------------------------------------------------------------------------------
  const rngW = root.fork('workload');
  const workload: WorkloadRow[] = [];
  const workloadPeriods = periods.slice(0, -1).slice(-size.workloadQuarters);
  for (const p of workloadPeriods) {
    const ps = dayOf(p.startDate);
    const pe = dayOf(p.endDate);
    for (const t of traits) {
      const a = Math.max(ps, t.hire);
      const b = Math.min(pe, t.leave ?? pe);
      if (b < a) continue;
      const activeShare = (b - a + 1) / (pe - ps + 1);
      const peer = peerDensity[units[t.unitIdx]!.peerGroup] ?? 1;
      const counts = { key: 0, general: 0, individual: 0 };
      for (const ti of t.managed) counts[taxpayers[ti]!.category]++;
      for (const kind of teamKinds[t.o.team as Team]) {
        let count: number;
        if (t.manager && kind.endsWith('_taxpayer') && t.managed.length > 0) {
          count = counts[kind.slice(0, -'_taxpayer'.length) as keyof typeof counts];
        } else {
          const scale = kind.endsWith('_taxpayer') ? peer : 1;
          count = Math.round(kindBase[kind]! * t.productivity * scale * activeShare * clamp(rngW.normal(1, 0.25), 0.2, 2));
        }
        if (count > 0) workload.push({ officerCode: t.o.code, period: p.code, kind, count });
      }
    }
  }

  // --- assessments --------------------------------------------------------------------------------
  const rngA = root.fork('assessments');
  const assessments: AssessmentRow[] = [];
  for (const t of traits) {
    const lo = Math.max(windowDay, t.hire + 14);
    const hi = Math.min(todayDay - 1, t.leave ?? todayDay - 1);
    if (hi <= lo) continue;
    for (const category of assessmentCats) {
      if (rngA.chance(0.1)) continue;
      const attempts = rngA.chance(0.1) ? 2 : 1;
      const days = new Set<number>();
      while (days.size < attempts) days.add(rngA.int(lo, hi));
      for (const d of days) {
        const raw = clamp(Math.round(rngA.normal(74 + 8 * t.skill, 8)), 20, 100);
        assessments.push({ officerCode: t.o.code, category, raw, max: 100, takenOn: isoOf(d) });
      }
    }
  }

  const turnoverThreshold = 20_000;
  const thresholds: ThresholdRow[] = [
    { decisionType: 'assessed_turnover', amount: 15_000, validFrom: '2014-10-01', validTo: '2018-12-31' },
    { decisionType: 'assessed_turnover', amount: turnoverThreshold, validFrom: '2019-01-01' },
  ];

  // --- streams ----------------------------------------------------------------------------------
  const cumulative = (items: OfficerTraits[], w: (t: OfficerTraits) => number) => {
    const cum: number[] = [];
    let s = 0;
    for (const t of items) cum.push((s += w(t)));
    return (rng: Rng) => {
      const r = rng.next() * s;
      let lo = 0, hi = cum.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid]! > r) hi = mid;
        else lo = mid + 1;
      }
      return items[lo]!;
    };
  };
  const activeDay = (rng: Rng, t: OfficerTraits) => {
    const a = Math.max(windowDay, t.hire);
    const b = Math.min(todayDay - 1, t.leave ?? todayDay - 1);
    return b < a ? null : rng.int(a, b);
  };
  const exposure: Record<string, number> = { 纳税服务: 3, 综合管理: 1.5, 评估: 1, 风险分析: 0.3 };
  const unitTaxpayer = (rng: Rng, t: OfficerTraits) => {
    if (t.managed.length > 0 && rng.chance(0.7)) return taxpayers[rng.pick(t.managed)]!.code;
    const pool = taxpayersByUnit[t.unitIdx]!;
    return taxpayers[pool.length > 0 ? rng.pick(pool) : rng.int(0, taxpayers.length - 1)]!.code;
  };
  const rating = (rng: Rng, mean: number, sd: number) => clamp(Math.round(rng.normal(mean, sd)), 1, 5);

  function* responsesAsDrawn(): Generator<ResponseEvent> {
    const rng = root.fork('responses');
    const pickOfficer = cumulative(traits, (t) => exposure[t.o.team] ?? 1);
    const burstList = [...burst];
    const burstSize = burstList.length * 13;
    const plain = Math.max(0, responseCount - burstSize);
    const make = (index: number, t: OfficerTraits, submittedMs: number): ResponseEvent => {
      const low = t.quality < 3.4;
      const ratings = {
        professionalism: rating(rng, t.quality, 0.7),
        attitude: rating(rng, t.quality, 0.8),
        efficiency: rating(rng, t.quality - 0.1, 0.8),
        integrity: rating(rng, t.quality + 0.3, 0.5),
      };
      const mean = (ratings.professionalism + ratings.attitude + ratings.efficiency + ratings.integrity) / 4;
      const ev: ResponseEvent = {
        index,
        officerCode: t.o.code,
        taxpayerCode: unitTaxpayer(rng, t),
        interactionRef: `SH${new Date(submittedMs).toISOString().slice(0, 10).replace(/-/g, '')}${pad(index, 8)}`,
        invitedAt: new Date(submittedMs - rng.int(60, 3 * 86_400) * 1000).toISOString(),
        submittedAt: new Date(submittedMs).toISOString(),
        ratings,
      };
      if (rng.chance(0.08)) ev.comment = rng.pick(mean >= 4 ? praise : criticism);
      if (rng.chance(low ? 0.02 : 0.0008)) ev.complaint = rng.pick(complaintTexts);
      return ev;
    };
    let index = 0;
    for (let i = 0; i < plain; i++) {
      let t = pickOfficer(rng);
      let day = activeDay(rng, t);
      while (day === null) {
        t = pickOfficer(rng);
        day = activeDay(rng, t);
      }
      yield make(index++, t, Date.parse(officeTime(rng, day)));
    }
    // Bursts: 13 responses for one officer within about eight minutes.
    for (const t of burstList) {
      const day = activeDay(rng, t) ?? todayDay - 3;
      const start = Date.parse(officeTime(rng, day));
      for (let k = 0; k < 13; k++) yield make(index++, t, start + k * 37_000 + rng.int(0, 5000));
    }
  }

  function* decisionsAsDrawn(): Generator<DecisionEvent> {
    const rng = root.fork('decisions');
    const teamWeight: Record<string, number> = { 评估: 3, 综合管理: 2, 纳税服务: 1, 风险分析: 0.4 };
    // Planted officers decide more, so their pattern has the numbers a rule needs to see it.
    const plantedWeight = (t: OfficerTraits) => (bunching.has(t) || favouriteReviewer.has(t) ? 6 : waiverHappy.has(t) || soloDecider.has(t) ? 3 : 1);
    const pickDecider = cumulative(deciders.length > 0 ? deciders : traits, (t) => (teamWeight[t.o.team] ?? 1) * plantedWeight(t));
    const types = ['assessed_turnover', 'penalty_waiver', 'tax_relief', 'deferral', 'invoice_quota'];
    const recent: DecisionEvent[] = [];
    const waivers: { taxpayerCode: string; violationType: string; decider: OfficerTraits }[] = [];
    const waived = new Set<string>();
    const favourite = new Map<OfficerTraits, OfficerTraits>();
    const T = turnoverThreshold;
    const stayingByUnit = officersByUnit.map((list) => list.filter((x) => x.leave === null));
    const panelFor = (t: OfficerTraits, n: number): DecisionEvent['reviewers'] => {
      const pool = stayingByUnit[t.unitIdx]!.filter((x) => x !== t);
      const chosen = new Set<OfficerTraits>();
      if (favouriteReviewer.has(t) && pool.length > 0) {
        if (!favourite.has(t)) favourite.set(t, rng.pick(pool));
        chosen.add(favourite.get(t)!);
      }
      for (let guard = 0; chosen.size < Math.min(n, pool.length) && guard < 50; guard++) chosen.add(rng.pick(pool));
      return [...chosen].map((x) => ({
        officerCode: x.o.code,
        vote: rng.chance(soloDecider.has(t) ? 0.1 : 0.0005) ? null : rng.chance(0.95) ? 'approve' : 'reject',
        investigated: rng.chance(0.0003),
      }));
    };
    for (let index = 0; index < decisionCount; index++) {
      // Amendments: the same decider revisits one of their recent decisions.
      if (recent.length > 20 && rng.chance(0.004)) {
        const orig = rng.pick(recent);
        const late = rng.chance(0.25);
        const origMs = Date.parse(orig.decidedAt);
        const ms = Math.min(origMs + (late ? rng.int(31, 90) : rng.int(1, 20)) * DAY, todayDay * DAY - 3_600_000);
        if (ms > origMs) {
          let amount = orig.amount;
          if (orig.type === 'assessed_turnover' && orig.amount >= T && rng.chance(0.3)) amount = Math.round((T * rng.next() * 0.1 + 0.9 * T) / 100) * 100 - 100;
          else amount = Math.round(orig.amount * clamp(rng.normal(0.95, 0.05), 0.7, 1.1));
          const ev: DecisionEvent = {
            ...orig,
            index,
            amount,
            decidedAt: new Date(ms).toISOString(),
            reviewers: orig.reviewers.map((r) => ({ ...r })),
            amends: orig.index,
            amendReason: late ? '纳税人补充提供经营资料，重新核定。' : '核定依据录入有误，予以更正。',
          };
          yield ev;
          continue;
        }
      }
      const t = pickDecider(rng);
      const day = activeDay(rng, t);
      if (day === null) { index--; continue; }
      const wTypes = waiverHappy.has(t) ? [0.3, 0.55, 0.05, 0.04, 0.06] : bunching.has(t) ? [0.75, 0.08, 0.05, 0.04, 0.08] : [0.45, 0.18, 0.1, 0.08, 0.19];
      const type = rng.weighted(types, wTypes);
      const decidedAt = officeTime(rng, day);
      let taxpayerCode = unitTaxpayer(rng, t);
      let amount: number;
      let threshold: number | undefined;
      let violationType: string | undefined;
      let reviewers: DecisionEvent['reviewers'] = [];
      switch (type) {
        case 'assessed_turnover': {
          threshold = T;
          // Monthly turnovers of small businesses span two orders of magnitude.
          amount = rng.logNormal(Math.log(12_000), 0.9);
          // A bunching officer assesses many businesses just under the threshold, where no tax is due.
          if (bunching.has(t) && (rng.chance(0.45) || (amount >= T && amount <= 1.4 * T))) amount = T * (0.9 + rng.next() * 0.0995);
          amount = Math.max(1000, Math.round(amount / 100) * 100);
          if (amount >= T && amount < T + 50 && bunching.has(t)) amount = T - 100;
          // 定额核定 goes to a collective review; now and then the panel is one colleague.
          reviewers = panelFor(t, rng.chance(soloDecider.has(t) ? 0.3 : 0.0005) ? 1 : 3);
          break;
        }
        case 'penalty_waiver': {
          amount = Math.round(rng.logNormal(Math.log(400), 0.6) / 10) * 10;
          violationType = rng.pick(violationTypes);
          if (waivers.length > 10 && rng.chance(waiverHappy.has(t) ? 0.05 : 0.002)) {
            // 首违不罚 granted again for the same violation: what the repeat-waiver rule is for.
            const prev = rng.pick(waivers);
            taxpayerCode = prev.taxpayerCode;
            violationType = prev.violationType;
          } else {
            // Otherwise a first violation: another type or taxpayer when this pair had one.
            for (let k = 0; k < 8 && waived.has(`${taxpayerCode}|${violationType}`); k++) {
              taxpayerCode = unitTaxpayer(rng, t);
              violationType = rng.pick(violationTypes);
            }
            waived.add(`${taxpayerCode}|${violationType}`);
            if (waivers.length < 20_000) waivers.push({ taxpayerCode, violationType, decider: t });
          }
          break;
        }
        case 'tax_relief':
          amount = Math.round(rng.logNormal(Math.log(30_000), 0.8));
          reviewers = panelFor(t, rng.chance(soloDecider.has(t) ? 0.3 : 0.0005) ? 1 : 3);
          break;
        case 'deferral':
          amount = Math.round(rng.logNormal(Math.log(200_000), 0.9));
          if (rng.chance(0.3)) reviewers = panelFor(t, 3);
          break;
        default:
          amount = rng.pick([10_000, 100_000, 100_000, 1_000_000]);
      }
      const ev: DecisionEvent = {
        index,
        type,
        deciderCode: t.o.code,
        taxpayerCode,
        amount,
        justification: rng.pick(justifications[type]!),
        decidedAt,
        reviewers,
      };
      if (threshold !== undefined) ev.threshold = threshold;
      if (violationType) ev.violationType = violationType;
      if (recent.length < 2000) recent.push(ev);
      else recent[rng.int(0, recent.length - 1)] = ev;
      yield ev;
    }
  }

  /**
   * The streams in time order, indices renumbered to match (an amendment still points at an
   * earlier index: it is always decided after its original). Time order makes the ids (which
   * start with the time) ascending, like a real log, and keeps bulk inserts sequential.
   */
  function* chronological<T extends { index: number; amends?: number }>(drawn: Generator<T>, time: (t: T) => string): Generator<T> {
    const all = [...drawn];
    const order = all.map((_, i) => i).sort((x, y) => {
      const a = time(all[x]!), b = time(all[y]!);
      return a < b ? -1 : a > b ? 1 : x - y;
    });
    const newIndex = new Int32Array(all.length);
    order.forEach((old, i) => (newIndex[old] = i));
    for (let i = 0; i < order.length; i++) {
      const ev = all[order[i]!]!;
      ev.index = i;
      if (ev.amends !== undefined) ev.amends = newIndex[ev.amends]!;
      yield ev;
    }
  }
  const responses = () => chronological(responsesAsDrawn(), (r) => r.submittedAt);
  const decisions = () => chronological(decisionsAsDrawn(), (d) => d.decidedAt);

  return {
    size,
    seed,
    today,
    gradedPeriod,
    periods,
    reviewYear,
    windowStart,
    units,
    officers,
    taxpayers,
    assignments,
    workload,
    assessments,
    thresholds,
    turnoverThreshold,
    planted: {
      noRotation: [...noRotation].map((t) => t.o.code),
      bunching: [...bunching].map((t) => t.o.code),
      waiverHappy: [...waiverHappy].map((t) => t.o.code),
      favouriteReviewer: [...favouriteReviewer].map((t) => t.o.code),
      soloDecider: [...soloDecider].map((t) => t.o.code),
      burst: [...burst].map((t) => t.o.code),
    },
    responses,
    decisions,
  };
}
