/**
 * What a run is missing (DESIGN 3 / issue 14: the publish confirmation shows it): graded officers
 * with no workload rows in the period, with no assessment result in the lookback window, and with
 * no accepted response, each as a count and a list. Read from the stored breakdowns (detail.ts),
 * so it describes exactly the inputs the run was computed from.
 */
import { sql } from 'drizzle-orm';
import { requireRole, type Ctx } from '../core/context.js';
import { findRun } from './run-model.js';

export interface Gap {
  count: number;
  /** The first `listLimit` officers, by code. */
  officers: { code: string; name: string | null }[];
}

export interface RunGaps {
  graded: number;
  noWorkload: Gap;
  noAssessment: Gap;
  noResponses: Gap;
}

/** HR reads a run's gaps; lists are cut at `listLimit` officers (the counts are whole). */
export async function runGaps({ ctx, input }: { ctx: Ctx; input: { id: string; listLimit?: number } }): Promise<RunGaps> {
  requireRole(ctx.actor, 'hr');
  const run = await findRun(ctx, input.id);
  const limit = input.listLimit ?? 50;
  // Compact breakdowns keep wc/as/fn; rows stored before them keep the engine's raw.* (detail.ts).
  const rows = await ctx.db.all<{ code: string; name: string | null; noWorkload: number; noAssessment: number; noResponses: number }>(sql`
    select officer_code as code, json_extract(detail, '$.name') as name,
           coalesce(json_extract(detail, '$.wc'), json_extract(detail, '$.raw.workloadCounts'), '{}') = '{}' as noWorkload,
           coalesce(json_array_length(detail, '$.as'), json_array_length(detail, '$.raw.assessmentsUsed'), 0) = 0 as noAssessment,
           coalesce(json_extract(detail, '$.fn'), json_extract(detail, '$.raw.feedbackN'), 0) = 0 as noResponses
    from grading_results where run_id = ${run.id} and status = 'graded'
    order by officer_code`);
  const gap = (pick: (r: (typeof rows)[number]) => number): Gap => {
    const hit = rows.filter((r) => pick(r) === 1);
    return { count: hit.length, officers: hit.slice(0, limit).map((r) => ({ code: r.code, name: r.name })) };
  };
  return { graded: rows.length, noWorkload: gap((r) => r.noWorkload), noAssessment: gap((r) => r.noAssessment), noResponses: gap((r) => r.noResponses) };
}
