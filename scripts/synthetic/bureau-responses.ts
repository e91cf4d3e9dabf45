/**
 * The feedback stream: taxpayers rating the officer who served them, drawn over the window by
 * how much each team meets the public, around each officer's latent quality; a few comments and
 * complaints; and the planted bursts (13 responses for one officer within minutes).
 */
import type { Rng } from './prng.js';
import { complaintTexts, criticism, praise } from './names.js';
import { officeTime } from './bureau-calendar.js';
import { clamp, pad, type Drawn, type OfficerTraits, type ResponseEvent } from './bureau-model.js';
import { cumulative, officerDraws } from './bureau-streams.js';

const exposure: Record<string, number> = { 纳税服务: 3, 综合管理: 1.5, 评估: 1, 风险分析: 0.3 };
const rating = (rng: Rng, mean: number, sd: number) => clamp(Math.round(rng.normal(mean, sd)), 1, 5);

/** `responseCount` responses in the order drawn (the bursts last); `chronological` sorts them. */
export function* drawResponses(d: Drawn, responseCount: number): Generator<ResponseEvent> {
  const { root, traits, todayDay } = d;
  const { activeDay, unitTaxpayer } = officerDraws(d);
  const rng = root.fork('responses');
  const pickOfficer = cumulative(traits, (t) => exposure[t.o.team] ?? 1);
  const burstList = [...d.planted.burst];
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
