/**
 * What the outbox did for the invitations of a quarter: messages by kind and status. Counts only
 * (for the response-rates page): no address, no invitation.
 */
import { sql } from 'drizzle-orm';
import type { Ctx } from '../core/context.js';
import { periodSpan } from '../core/period.js';

export interface OutboxCounts {
  kind: 'invitation' | 'reminder';
  channel: 'sms' | 'email' | 'wechat';
  pending: number;
  delivered: number;
  failed: number;
  cancelled: number;
}

export async function outboxCounts(ctx: Pick<Ctx, 'db'>, period: string): Promise<OutboxCounts[]> {
  const { from, until } = periodSpan(period);
  const rows = await ctx.db.all<{ kind: OutboxCounts['kind']; channel: OutboxCounts['channel']; status: string; n: number }>(sql`
    select o.kind, t.channel, o.status, count(*) as n
      from delivery_outbox o join delivery_targets t on t.invitation_id = o.invitation_id
      join invitations i on i.id = o.invitation_id
     where i.created_at >= ${from} and i.created_at < ${until}
     group by o.kind, t.channel, o.status
     order by o.kind desc, t.channel`);
  const out = new Map<string, OutboxCounts>();
  for (const r of rows) {
    const k = `${r.kind}:${r.channel}`;
    const c = out.get(k) ?? { kind: r.kind, channel: r.channel, pending: 0, delivered: 0, failed: 0, cancelled: 0 };
    c[r.status as 'pending' | 'delivered' | 'failed' | 'cancelled'] += Number(r.n);
    out.set(k, c);
  }
  return [...out.values()];
}
