/**
 * The bureau's taxpayers, spread over the units by peer group and staff, and who manages each:
 * the current managing officer (weighted by capacity) and, for about a third, the officer before
 * them, so rotation has a history. A planted "no rotation" officer keeps some taxpayers more than
 * three years.
 */
import type { Rng } from './prng.js';
import { companyName, shopName } from './names.js';
import type { BureauSize } from './sizes.js';
import { isoOf } from './bureau-calendar.js';
import { peerDensity, type AssignmentRow, type OfficerTraits, type TaxpayerRow, type UnitRow } from './bureau-model.js';
import type { Staff } from './bureau-staff.js';

export interface Taxpayers {
  taxpayers: TaxpayerRow[];
  /** Taxpayer indices by unit. */
  taxpayersByUnit: number[][];
  assignments: AssignmentRow[];
}

/** Also fills each current managing officer's `managed` list. */
export function drawTaxpayers(rngT: Rng, size: BureauSize, units: UnitRow[], staff: Staff, noRotation: Set<OfficerTraits>, todayDay: number): Taxpayers {
  const { perUnit, officersByUnit } = staff;
  const densW = units.map((u, i) => (peerDensity[u.peerGroup] ?? 1) * perUnit[i]!);
  const densTotal = densW.reduce((a, b) => a + b, 0);
  const tpPerUnit = densW.map((w) => Math.floor((size.taxpayers * w) / densTotal));
  tpPerUnit[0]! += size.taxpayers - tpPerUnit.reduce((a, b) => a + b, 0);
  const taxpayers: TaxpayerRow[] = [];
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
  return { taxpayers, taxpayersByUnit, assignments };
}
