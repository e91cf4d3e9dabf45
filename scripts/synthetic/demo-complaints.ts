/**
 * The demo's complaints, deliveries and return visits (issue 15), through the service verbs at the
 * end of the demo's story (called once from fill-demo.ts, before the last scan):
 *
 * - complaints from every channel over the last complete quarter and this one (hotline and hall
 *   by the intake system, letters and web by HR, a 12366 export imported), some naming officers
 *   (flags worked by their drawn reviewers), some closed with their outcome; two are printed
 *   with their tracking page;
 * - invitations delivered through the outbox to a gateway running here for the demo: most
 *   delivered, a wrong number refused, one address the gateway cannot reach yet;
 * - a random return visit (回访) answered by about half the taxpayers, and one officer who hands
 *   their own invitations to friendly taxpayers: the scan then raises `feedback_selection`.
 *
 * The clock only moves forward (the audit log stays in time order), in small steps from where the
 * story is.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { AppConfig } from '../../src/core/config.js';
import type { Actor, AuditSigner, Ctx } from '../../src/core/context.js';
import type { fixedClock } from '../../src/core/clock.js';
import type { createApp } from '../../src/app.js';
import { fileComplaint } from '../../src/complaints/file.js';
import { importComplaints } from '../../src/complaints/import.js';
import { transitionComplaint } from '../../src/complaints/transition.js';
import { transitionFlag } from '../../src/flags/workflow.js';
import { issueInvitation } from '../../src/feedback/invitations.js';
import { drawReturnVisits } from '../../src/feedback/return-visits.js';
import { deliveryCtx, runDelivery } from '../../src/delivery/job.js';
import type { ComplaintCategory, EnteredChannel } from '../../src/complaints/policy.js';
import type { Bureau } from './bureau.js';
import { createRng, type Rng } from './prng.js';

export interface ComplaintsDemoInput {
  db: Db;
  signer: AuditSigner;
  config: AppConfig;
  clock: ReturnType<typeof fixedClock>;
  app: ReturnType<typeof createApp>;
  bureau: Bureau;
  hr: Actor;
  intake: Actor;
  actorsById: Map<string, Actor>;
  log: (msg: string) => void;
  fail: (what: string, err: unknown) => void;
}

export interface ComplaintsDemo {
  /** Tracking pages of two complaints: one upheld through its flag, one resolved. */
  trackingUrls: string[];
  /** The officer planted with hand-picked raters. */
  selectionOfficer: string | null;
}

const texts: Record<ComplaintCategory, string[]> = {
  attitude: ['窗口人员态度生硬，不耐烦地打断我说话。', '咨询时被当众训斥，感觉很不受尊重。', '电话里语气很冲，问题没听完就挂了。'],
  efficiency: ['同一件事跑了三次还没办完，每次都说材料不全。', '排队两个多小时，只开了一个窗口。', '退税申请提交一个月没有任何回音。'],
  integrity: ['暗示找指定的代理记账公司就能快点办。', '办理时索要好处费。'],
  law_enforcement: ['核定定额明显偏高，和同街道同类店铺差别很大，解释不清。', '没有告知陈述申辩的权利就作出了处罚。'],
  wrong_information: ['两个窗口给的政策答复不一样，按第一个办被退回。', '12366 答复的减免条件和网上公布的不一致。'],
  system: ['电子税务局申报时反复报错，无法提交。', '发票系统升级后无法登录，影响开票。'],
  other: ['办税服务厅停车位太少。', '希望延长周末的办税时间。'],
};
const categories = Object.keys(texts) as ComplaintCategory[];
const categoryWeights = [0.3, 0.25, 0.06, 0.1, 0.12, 0.1, 0.07];
const channels: EnteredChannel[] = ['hotline_12366', 'service_hall', 'letter', 'web'];
const channelWeights = [0.45, 0.2, 0.15, 0.2];

const dayMs = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export async function fillComplaintsDemo(d: ComplaintsDemoInput): Promise<ComplaintsDemo> {
  const rng = createRng(`${d.bureau.seed}:complaints`);
  const ctxOf = (actor: Actor, config: AppConfig = d.config): Ctx => ({ db: d.db, clock: d.clock, actor, config, signer: d.signer });
  const step = (ms = 1000) => d.clock.advance(ms);
  const out: ComplaintsDemo = { trackingUrls: [], selectionOfficer: null };
  try {
    await complaints(d, rng.fork('complaints'), ctxOf, step, out);
  } catch (err) {
    d.fail('complaints', err);
  }
  try {
    await deliveries(d, rng.fork('delivery'), ctxOf, step);
  } catch (err) {
    d.fail('delivery', err);
  }
  try {
    out.selectionOfficer = await returnVisits(d, rng.fork('return-visits'), ctxOf, step);
  } catch (err) {
    d.fail('return-visits', err);
  }
  return out;
}

type CtxOf = (actor: Actor, config?: AppConfig) => Ctx;

async function complaints(d: ComplaintsDemoInput, rng: Rng, ctxOf: CtxOf, step: (ms?: number) => void, out: ComplaintsDemo) {
  const today = Date.parse(`${d.bureau.today}T00:00:00Z`);
  const quarters = d.bureau.periods.slice(-2);
  const active = d.bureau.officers.filter((o) => !o.leaveDate || o.leaveDate >= d.bureau.today);
  const filed: { id: string; receipt: string; trackingUrl: string; officer: boolean; current: boolean }[] = [];
  for (const [qi, q] of quarters.entries()) {
    const current = qi === quarters.length - 1;
    const from = Date.parse(`${q.startDate}T00:00:00Z`);
    const until = Math.min(Date.parse(`${q.endDate}T00:00:00Z`), today - dayMs);
    for (let i = 0; i < (current ? 24 : 36); i++) {
      const channel = rng.weighted(channels, channelWeights);
      const category = rng.weighted(categories, categoryWeights);
      const named = rng.chance(0.6);
      const officer = named ? rng.pick(active) : null;
      step();
      const res = await fileComplaint({
        ctx: ctxOf(channel === 'hotline_12366' || channel === 'service_hall' ? d.intake : d.hr),
        input: {
          channel,
          category,
          text: rng.pick(texts[category]),
          officerCode: officer?.code,
          unitCode: officer ? undefined : rng.chance(0.85) ? rng.pick(d.bureau.units).code : undefined,
          receivedAt: `${isoDay(from + Math.floor(rng.next() * Math.max(1, until - from)))}T0${rng.int(1, 8)}:30:00Z`,
        },
      });
      filed.push({ ...res, officer: named, current });
    }
  }
  // A day's 12366 export.
  const lines = ['工单号,受理时间,类别,投诉内容,被投诉人工号,单位代码'];
  for (let i = 1; i <= 6; i++) {
    const category = rng.weighted(categories, categoryWeights);
    const officer = rng.chance(0.5) ? rng.pick(active) : null;
    lines.push(`12366-${d.bureau.today.replace(/-/g, '')}-${String(i).padStart(3, '0')},${isoDay(today - dayMs)}T0${i}:15:00+08:00,${category},${rng.pick(texts[category])},${officer?.code ?? ''},${officer ? '' : rng.pick(d.bureau.units).code}`);
  }
  step();
  const imported = await importComplaints({ ctx: ctxOf(d.intake), input: { csv: `\uFEFF${lines.join('\r\n')}\r\n` } });
  d.log(`complaints: ${filed.length} entered, ${imported.imported} imported from a 12366 export`);

  // Supervisors work them: the last quarter's flags are closed by their drawn reviewers, this
  // quarter's partly taken into review; complaints without an officer closed by any supervisor.
  const supervisor = [...d.actorsById.values()].find((a) => a.kind === 'user' && a.role === 'supervisor')!;
  let upheld: string | null = null;
  let resolved: string | null = null;
  for (const [i, c] of filed.entries()) {
    step();
    const [row] = await d.db.all<{ flag_id: string | null; reviewer: string | null; status: string | null }>(sql`
      select c.flag_id, f.reviewer_user_id as reviewer, f.status from complaints c left join flags f on f.id = c.flag_id where c.id = ${c.id}`);
    if (row?.flag_id) {
      const reviewer = row.reviewer ? d.actorsById.get(row.reviewer) : undefined;
      if (!reviewer || (c.current && i % 3 !== 0)) continue;
      await transitionFlag({ ctx: ctxOf(reviewer), flagId: row.flag_id, input: { to: 'in_review', reason: '已调取录音和办税记录。' } });
      if (c.current && upheld) continue;
      step();
      const confirmed = c.current || i % 5 !== 1;
      await transitionFlag({
        ctx: ctxOf(reviewer),
        flagId: row.flag_id,
        input: confirmed
          ? {
              to: 'closed',
              outcome: 'confirmed',
              reason: '核查属实，已约谈当事人并责令整改。',
              // Due process (issue 13): confirming inside the officer's 7-day answer window needs a reason not to wait.
              earlyReason: '当事人约谈时已当面陈述并签字确认。',
            }
          : { to: 'closed', outcome: 'false_positive', reason: '调阅录音，未发现所反映问题。' },
      });
      if (confirmed && c.current) upheld = c.trackingUrl;
    } else if (!c.current || !resolved) {
      await transitionComplaint({ ctx: ctxOf(supervisor), input: { id: c.id, to: 'closed', outcome: c.current ? 'resolved' : rng.pick(['resolved', 'referred', 'not_upheld'] as const) } });
      if (c.current) resolved = c.trackingUrl;
    }
  }
  out.trackingUrls = [upheld, resolved].filter((u): u is string => u !== null);
  for (const u of out.trackingUrls) d.log(`a tracked complaint: ${u}`);
}

async function deliveries(d: ComplaintsDemoInput, rng: Rng, ctxOf: CtxOf, step: (ms?: number) => void) {
  // The bureau's SMS and mail gateway, here for the demo: it refuses a wrong number and cannot
  // reach one mailbox yet (503), so the outbox has something of each.
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const address = (JSON.parse(body) as { address: string }).address;
      res.writeHead(address.endsWith('0000') ? 400 : address.startsWith('busy') ? 503 : 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const config: AppConfig = {
      ...d.config,
      delivery: { webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`, secret: `demo-gateway-${d.bureau.seed}-0123456789` },
    };
    const assigned = await d.db.all<{ officer_code: string; taxpayer_code: string }>(sql`
      select officer_code, taxpayer_code from assignments where to_date is null order by taxpayer_code limit 12`);
    for (const [i, a] of assigned.entries()) {
      const channel = (['sms', 'sms', 'email', 'wechat'] as const)[i % 4]!;
      const address =
        i === 4 ? '+8613900000000' : channel === 'sms' ? `+86139${String(10_000_000 + rng.int(0, 89_999_999))}` : channel === 'email' ? (i === 6 ? 'busy@example.cn' : `tp${i}@example.cn`) : `oDemo${rng.hex(12)}`;
      step();
      await issueInvitation({
        ctx: ctxOf(d.intake, config),
        input: { officerCode: a.officer_code, taxpayerCode: a.taxpayer_code, interactionRef: `DEMO-DELIVERY-${i + 1}`, delivery: { channel, address, lang: i % 5 === 3 ? 'en' : 'zh-CN' } },
      });
    }
    step();
    const run = await runDelivery(deliveryCtx({ db: d.db, clock: d.clock, config, signer: d.signer }));
    d.log(`outbox: ${run.delivered} delivered, ${run.failed} refused, ${run.retrying} to retry; reminders wait for day 3 and 7`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function post(d: ComplaintsDemoInput, token: string, mean: number) {
  // Four whole ratings around the mean.
  const base = Math.floor(mean);
  const up = Math.round((mean - base) * 4);
  const r = [0, 1, 2, 3].map((k) => Math.min(5, Math.max(1, base + (k < up ? 1 : 0))));
  const form = new URLSearchParams({ professionalism: String(r[0]), attitude: String(r[1]), efficiency: String(r[2]), integrity: String(r[3]) });
  const res = await d.app.request(`/f/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
    body: form.toString(),
  });
  if (res.status !== 200) throw new Error(`POST /f/{token} answered ${res.status}`);
  await res.arrayBuffer();
}

async function returnVisits(d: ComplaintsDemoInput, rng: Rng, ctxOf: CtxOf, step: (ms?: number) => void): Promise<string | null> {
  const period = d.bureau.periods.at(-1)!.code;
  // The planted officer: the first active manager (code order) with taxpayers to draw from.
  const [x] = await d.db.all<{ code: string }>(sql`
    select o.code from officers o where o.leave_date is null
       and (select count(*) from assignments a where a.officer_code = o.code and a.to_date is null) >= 10
     order by o.code limit 1`);
  if (!x) return null;
  // Their own desk: twelve invitations handed to taxpayers who rate them highly.
  const [tp] = await d.db.all<{ taxpayer_code: string }>(sql`select taxpayer_code from assignments where officer_code = ${x.code} and to_date is null limit 1`);
  for (let i = 0; i < 12; i++) {
    step(70_000); // not a burst: at most one response a minute
    const inv = await issueInvitation({ ctx: ctxOf(d.intake), input: { officerCode: x.code, taxpayerCode: tp!.taxpayer_code, interactionRef: `DEMO-FRIENDLY-${i + 1}` } });
    step(5000);
    await post(d, inv.token, i % 2 ? 5 : 4.75);
  }
  step();
  const draw = await drawReturnVisits({ ctx: ctxOf(d.hr), input: { period, perOfficer: 10, seed: `${d.bureau.seed}:return-visit:${period}` } });
  // About half the drawn taxpayers answer; the planted officer's all do, less kindly.
  let answered = 0;
  for (const inv of draw.invitations) {
    const mine = inv.officerCode === x.code;
    if (!mine && !rng.chance(0.5)) continue;
    step(mine ? 70_000 : 2000);
    await post(d, inv.token, mine ? rng.pick([3.5, 3.75, 4, 3.25]) : rng.pick([4, 4.25, 4.5, 4.75, 5]));
    answered++;
  }
  d.log(`return visit ${period}: ${draw.invitations.length} drawn, ${answered} answered; ${x.code} hands out their own invitations selectively`);
  return x.code;
}
