/**
 * Reading complaints (HR and supervisors): one complaint with its text, and the list. Nobody
 * reads a complaint about themselves (refuseOwnCase; left out of the lists). The receipt's hash
 * and the commitment's nonce never leave the database.
 */
import { sql, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { actingOfficer, refuseOwnCase, requireRole, type Ctx } from '../core/context.js';
import { notFound } from '../core/errors.js';
import { keyset, pageSchema } from '../core/pagination.js';
import { complaints } from '../../db/schema.js';
import { periodParam } from '../core/openapi.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { complaintCategories, complaintChannels, complaintOutcomes, complaintStatuses } from './policy.js';
import { complaintsWithFlag, receivedIn, effectiveOutcome, effectiveStatus, lastChange, referred } from './state.js';
import { codeParam, cursorParam, limitParam } from '../core/openapi.js';

export const complaintItem = z
  .object({
    id: z.string(),
    channel: z.enum(complaintChannels),
    category: z.enum(complaintCategories),
    text: z.string(),
    officerCode: z.string().nullable(),
    unitCode: z.string().nullable(),
    taxpayerCode: z.string().nullable(),
    responseId: z.string().nullable(),
    receivedAt: z.string(),
    createdAt: z.string(),
    /** As the complainant sees it (src/complaints/state.ts). */
    status: z.enum(complaintStatuses),
    outcome: z.enum(complaintOutcomes).nullable(),
    referred: z.boolean(),
    flagId: z.string().nullable(),
    flagStatus: z.string().nullable(),
    updatedAt: z.string(),
  })
  .openapi('Complaint');
export type ComplaintItem = z.infer<typeof complaintItem>;

export const complaintsQuery = z.object({
  period: periodParam.optional(),
  status: z.enum(complaintStatuses).optional(),
  channel: z.enum(complaintChannels).optional(),
  category: z.enum(complaintCategories).optional(),
  officerCode: codeParam.optional(),
  unitCode: codeParam.optional(),
  limit: limitParam.default(100),
  cursor: cursorParam.optional(),
});
export const complaintsOutput = pageSchema(complaintItem).openapi('Complaints');

type Row = {
  id: string; channel: string; category: string; text: string; officer_code: string | null; unit_code: string | null; taxpayer_code: string | null;
  response_id: string | null; received_at: string; created_at: string; status: string; outcome: string | null; referred: number | null;
  flag_id: string | null; flag_status: string | null; updated: string;
};

const columns = sql`complaints.id, complaints.channel, complaints.category, complaints.text, complaints.officer_code, complaints.unit_code, complaints.taxpayer_code, complaints.response_id,
  complaints.received_at, complaints.created_at, ${effectiveStatus} as status, ${effectiveOutcome} as outcome, ${referred} as referred,
  complaints.flag_id, f.status as flag_status, ${lastChange} as updated`;

function toItem(r: Row): ComplaintItem {
  return {
    id: r.id,
    channel: r.channel as ComplaintItem['channel'],
    category: r.category as ComplaintItem['category'],
    text: r.text,
    officerCode: r.officer_code,
    unitCode: r.unit_code,
    taxpayerCode: r.taxpayer_code,
    responseId: r.response_id,
    receivedAt: r.received_at,
    createdAt: r.created_at,
    status: r.status as ComplaintItem['status'],
    outcome: r.outcome as ComplaintItem['outcome'],
    referred: Boolean(r.referred),
    flagId: r.flag_id,
    flagStatus: r.flag_status,
    updatedAt: r.updated,
  };
}

/** One complaint with its text (hr, supervisor); 403 about oneself, 404 unknown. */
export async function getComplaint({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<ComplaintItem> {
  requireRole(ctx.actor, 'hr', 'supervisor');
  const [row] = await ctx.db.all<Row>(sql`select ${columns} from ${complaintsWithFlag} where complaints.id = ${input.id}`);
  if (!row) throw notFound(`No complaint ${input.id}.`);
  refuseOwnCase(ctx.actor, row.officer_code, 'reading a complaint about oneself');
  return toItem(row);
}

const byReceived = keyset('desc', [complaints.receivedAt, complaints.id], (r: Row) => [r.received_at, r.id]);

/**
 * Complaints, newest received first, paginated (hr, supervisor). The filters combine; `status`
 * is the complainant's view of it. A caller who is an officer never sees the complaints about
 * themselves: asked for by code, 403; in an unfiltered list, left out.
 */
export async function listComplaints({ ctx, input: given }: { ctx: Ctx; input: Unchecked<z.input<typeof complaintsQuery>> }) {
  requireRole(ctx.actor, 'hr', 'supervisor');
  const input = parseInput(complaintsQuery, given);
  refuseOwnCase(ctx.actor, input.officerCode, 'reading the complaints about oneself');
  const self = actingOfficer(ctx.actor);
  const where: SQL[] = [sql`1 = 1`];
  if (input.period) {
    where.push(receivedIn(input.period));
  }
  if (input.status) where.push(sql`${effectiveStatus} = ${input.status}`);
  if (input.channel) where.push(sql`complaints.channel = ${input.channel}`);
  if (input.category) where.push(sql`complaints.category = ${input.category}`);
  if (input.officerCode) where.push(sql`complaints.officer_code = ${input.officerCode}`);
  if (input.unitCode) where.push(sql`complaints.unit_code = ${input.unitCode}`);
  if (self) where.push(sql`(complaints.officer_code is null or complaints.officer_code <> ${self})`);
  const after = byReceived.after(input.cursor);
  if (after) where.push(after);
  const rows = await ctx.db.all<Row>(sql`select ${columns} from ${complaintsWithFlag}
    where ${sql.join(where, sql` and `)}
    order by complaints.received_at desc, complaints.id desc limit ${input.limit + 1}`);
  const page = byReceived.page(rows, input.limit);
  return { items: page.items.map(toItem), nextCursor: page.nextCursor };
}
