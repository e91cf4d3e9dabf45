/**
 * The texts of the messages the gateway sends, zh-CN and English side by side. Without its link,
 * each fits one SMS (SMS_CHARS_ZH / SMS_CHARS_EN, checked by the tests with the default bureau
 * name); the link goes last, so a gateway that shortens links can swap it.
 */
import type { Messages } from '../pages/i18n.js';

export const deliveryMessages = {
  invitation: {
    'zh-CN': '【{bureau}】您好！请为您近日办理的涉税业务评价，匿名填写约1分钟，链接30天内有效：{url}',
    en: '{bureau}: please rate the service you received from us. It is anonymous and takes a minute; the link works for 30 days: {url}',
  },
  reminder: {
    'zh-CN': '【{bureau}】温馨提醒：您近日办理业务的服务评价尚未提交，欢迎匿名评价：{url}',
    en: '{bureau} reminder: you have not rated your recent visit yet. It is anonymous: {url}',
  },
} satisfies Messages;

export type MessageKind = keyof typeof deliveryMessages;

/** The text of one message. */
export function messageText(kind: MessageKind, lang: 'zh-CN' | 'en', values: { bureau: string; url: string }): string {
  return deliveryMessages[kind][lang].replace('{bureau}', values.bureau).replace('{url}', values.url);
}
