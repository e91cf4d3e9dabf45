/**
 * The demo's story of issue 12 (nobody decides pay alone or acts on their own case; the log holds
 * nothing a person may ask to erase), told through the service verbs after fill-demo's timeline:
 * - hr.zhao is an HR user who is also an officer: a change of her own tier waits in the HR
 *   console, and when she tries to approve it she is refused (in Chinese on the page); here the
 *   verb is called once to check it says so;
 * - a policy proposal from hr.wang waits for its second approver on /hr/policies;
 * - the quarterly runs were published by hr.li, a second HR user (fill-demo's timeline);
 * - the retention job cuts the feedback links of the quarters past their appeal window, and one
 *   taxpayer's erasure request is carried out.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import * as schema from '../../db/schema.js';
import type { Actor, Ctx } from '../../src/core/context.js';
import { ApiError } from '../../src/core/errors.js';
import { shiftPeriod, periodOf } from '../../src/core/period.js';
import { decideAdjustment, proposeAdjustment } from '../../src/grading/adjustment.js';
import { proposePolicy } from '../../src/grading/policy-proposals.js';
import { policyInEffect } from '../../src/grading/policies.js';
import { retentionCtx, runRetention } from '../../src/retention/job.js';
import { eraseTaxpayer } from '../../src/retention/erase-taxpayer.js';
import type { Bureau } from './bureau.js';

/** The officer record an HR user of the demo is linked to: a general-management officer with no other login. */
export function hrOfficerCode(b: Bureau, taken: ReadonlySet<string>): string {
  const free = b.officers.filter((o) => !taken.has(o.code) && o.supervisorCode && !o.leaveDate);
  return (free.find((o) => o.team === '综合管理') ?? free[0] ?? b.officers[0]!).code;
}

export interface SeparationDemo {
  db: Db;
  ctxOf: (actor: Actor) => Ctx;
  hrWang: Actor;
  hrLi: Actor;
  hrZhao: Actor & { kind: 'user' };
  /** The run of the last graded quarter, left computed for HR. */
  openRunId: string | undefined;
  log: (msg: string) => void;
  fail: (what: string, err: unknown) => void;
}

export async function fillSeparationDemo(d: SeparationDemo): Promise<void> {
  const { db, ctxOf, log } = d;
  const own = d.hrZhao.officerCode!;

  // 1. A change of hr.zhao's own tier, proposed by hr.wang, waits; she may not decide it.
  if (d.openRunId) {
    const [mine] = await db.all<{ tier: number | null }>(sql`select tier from grading_results where run_id = ${d.openRunId} and officer_code = ${own} and status = 'graded'`);
    if (mine?.tier) {
      try {
        const adj = await proposeAdjustment({
          ctx: ctxOf(d.hrWang),
          input: { runId: d.openRunId, officerCode: own, toTier: mine.tier < 5 ? mine.tier + 1 : mine.tier - 1, reason: '兼任人事工作期间承担了额外的考核组织工作。' },
        });
        await decideAdjustment({ ctx: ctxOf(d.hrZhao), input: { id: adj.id, decision: 'approve', reason: '同意' } }).then(
          () => d.fail('own-case', new Error(`${d.hrZhao.username} approved a change of her own tier`)),
          (err: unknown) => {
            if (!(err instanceof ApiError && err.code === 'own_case')) throw err;
            log(`${d.hrZhao.username} (officer ${own}) is refused on her own case: ${err.message}`);
          },
        );
      } catch (err) {
        d.fail('own-case', err);
      }
    }
  }

  // 2. A policy proposal waiting for its second approver: a higher allowance from next quarter.
  try {
    const next = shiftPeriod(periodOf(ctxOf(d.hrWang).clock.now().toISOString()), 1);
    const current = await policyInEffect({ db }, next);
    const document = { ...current.policy, version: `${current.policy.version}-allowance-3200`, baseAllowance: 3200 };
    await proposePolicy({ ctx: ctxOf(d.hrWang), input: { document, effectiveFrom: next, reason: '按市局年度预算，季度绩效奖金基数由 3,000 元调整为 3,200 元。' } });
    log(`policy proposal from ${next} waits for a second HR approver (/hr/policies)`);
  } catch (err) {
    d.fail('policy', err);
  }

  // 3. Retention: links of quarters past their appeal window are cut; one erasure request.
  try {
    const r = await runRetention({ ctx: retentionCtx(ctxOf(d.hrWang)) });
    log(`retention: ${r.linksCut} invitation links cut (${r.closedQuarters.join(', ') || 'no quarter closed yet'})`);
    const [individual] = await db.select({ code: schema.taxpayers.code }).from(schema.taxpayers).where(eq(schema.taxpayers.category, 'individual')).limit(1);
    if (individual) {
      const out = await eraseTaxpayer({ ctx: ctxOf(d.hrLi), input: { code: individual.code, reason: '纳税人书面申请删除个人信息（个人信息保护法第四十七条）。' } });
      log(`erasure request carried out: ${JSON.stringify(out.erased)}; kept ${out.kept.join(', ')}`);
    }
  } catch (err) {
    d.fail('retention', err);
  }
}
