/**
 * Scheduling an invitation's delivery, in the invitation's own batch: where it goes (sealed),
 * the invitation message (due now) and a reminder for each of REMINDER_DAYS (sent only while the
 * invitation is unanswered). The audit entry names the channel and the messages, never the address.
 */
import { z } from '@hono/zod-openapi';
import { deliveryOutbox, deliveryTargets, deliveryChannels } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';
import { ApiError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { AuditEvent, Write } from '../audit/append.js';
import { REMINDER_DAYS } from './policy.js';
import { seal } from './seal.js';

const phone = /^\+?[0-9]{6,20}$/;
const wechatId = /^[A-Za-z0-9_-]{6,64}$/;

/** Where to deliver an invitation. The address is checked by its channel; spaces and dashes in a phone number are dropped. */
export const deliveryInput = z
  .object({
    channel: z.enum(deliveryChannels),
    address: z.string().trim().min(1).max(254),
    lang: z.enum(['zh-CN', 'en']).default('zh-CN'),
  })
  .transform((d) => (d.channel === 'sms' ? { ...d, address: d.address.replace(/[\s-]/g, '') } : d))
  .superRefine((d, ctx) => {
    const ok = d.channel === 'sms' ? phone.test(d.address) : d.channel === 'email' ? z.email().safeParse(d.address).success : wechatId.test(d.address);
    if (!ok) ctx.addIssue({ code: 'custom', path: ['address'], message: { sms: 'a phone number', email: 'an e-mail address', wechat: 'a WeChat OpenID' }[d.channel] });
  })
  .openapi('Delivery');
export type DeliveryInput = z.output<typeof deliveryInput>;

/** Plans the delivery of one invitation; 422 when this server has no delivery gateway configured. */
export async function planDelivery(
  ctx: Pick<Ctx, 'db' | 'config' | 'clock'>,
  input: { invitationId: string; url: string; issuedAt: Date; delivery: DeliveryInput },
): Promise<{ writes: Write[]; event: AuditEvent }> {
  const gateway = ctx.config.delivery;
  if (!gateway) {
    throw new ApiError(422, 'delivery_not_configured', 'This server delivers no invitations (DELIVERY_WEBHOOK_URL is not set); issue it without `delivery`.', [
      { path: 'delivery', message: 'no delivery gateway is configured' },
    ]);
  }
  const { channel, address, lang } = input.delivery;
  const at = input.issuedAt.toISOString();
  const messages = [
    { kind: 'invitation' as const, dueAt: at },
    ...REMINDER_DAYS.map((d) => ({ kind: 'reminder' as const, dueAt: new Date(input.issuedAt.getTime() + d * 86_400_000).toISOString() })),
  ].map((m) => ({ id: newId('msg', input.issuedAt), invitationId: input.invitationId, ...m, status: 'pending' as const, attempts: 0, nextAttemptAt: m.dueAt }));
  return {
    writes: [
      ctx.db.insert(deliveryTargets).values({ invitationId: input.invitationId, channel, lang, sealed: await seal(gateway.secret, { address, url: input.url }), createdAt: at }),
      ctx.db.insert(deliveryOutbox).values(messages),
    ],
    event: {
      action: 'delivery.schedule',
      entity: 'invitation',
      entityId: input.invitationId,
      payload: { channel, lang, messages: messages.map((m) => ({ id: m.id, kind: m.kind, dueAt: m.dueAt })) },
    },
  };
}
