/**
 * The bureau's staff: its units (a municipal bureau's district, zone and county branches, or a
 * province's cities), the officers of each (a head, four team chiefs, the rest by team, with
 * hidden traits that drive their numbers), and the few officers whose behaviour is planted for
 * the oversight rules to find.
 */
import type { Rng } from './prng.js';
import { cityNames, districtNames, personName } from './names.js';
import type { BureauSize } from './sizes.js';
import { isoOf } from './bureau-calendar.js';
import { clamp, pad, peerStaffing, teams, type OfficerRow, type OfficerTraits, type Planted, type Team, type UnitRow } from './bureau-model.js';

export function drawUnits(size: BureauSize): UnitRow[] {
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
  return units;
}

export interface Staff {
  traits: OfficerTraits[];
  officersByUnit: OfficerTraits[][];
  /** Officers per unit, in unit order. */
  perUnit: number[];
}

/** The officers of each unit: staffed by peer group, at least six a unit. */
export function drawOfficers(rngO: Rng, size: BureauSize, units: UnitRow[], todayDay: number, windowDay: number): Staff {
  const width = size.officers >= 10_000 ? 5 : 4;
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
  return { traits, officersByUnit, perUnit };
}

/** Planted behaviour: a few per cent of officers, at least one or two each in the demo. */
export function plantBehaviour(plantRng: Rng, traits: OfficerTraits[], todayDay: number, windowDay: number): Planted {
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
  return { deciders, noRotation, bunching, waiverHappy, favouriteReviewer, soloDecider, burst };
}
