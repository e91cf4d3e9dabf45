import type { Messages } from './i18n.js';

/**
 * What the forms say about themselves: field errors in the page's words, the confirmations of
 * destructive actions, the period field's rule. Spread into the shell's catalogue (messages.ts).
 */
export const formMessages = {
  'form.errorsTitle': { 'zh-CN': '请修改以下问题：', en: 'Please correct the following:' },
  'form.period': { 'zh-CN': '请填写季度，例如 2026Q3（也可写 2026q3 或 2026-Q3）', en: 'Enter a quarter such as 2026Q3 (2026q3 and 2026-Q3 work too)' },
  'form.periodHint': { 'zh-CN': '例如 2026Q3', en: 'e.g. 2026Q3' },
  'form.required': { 'zh-CN': '必填', en: 'Required' },
  'form.cancel': { 'zh-CN': '取消，返回', en: 'Cancel and go back' },
  'form.confirmTitle': { 'zh-CN': '请确认', en: 'Please confirm' },

  'admin.err.username': { 'zh-CN': '用户名只能由字母、数字和 . _ @ - 组成，最多 64 个字符', en: 'Use letters, digits and . _ @ - only, at most 64 characters' },
  'admin.err.usernameTaken': { 'zh-CN': '用户名 {username} 已被使用，请换一个', en: 'The username {username} is taken; choose another' },
  'admin.err.role': { 'zh-CN': '请选择角色', en: 'Choose a role' },
  'admin.err.officerCodeRequired': { 'zh-CN': '税务人员用户必须填写人员编号', en: 'An officer user needs its officer code' },
  'admin.err.officerCodeUnknown': { 'zh-CN': '没有人员编号为 {code} 的人员', en: 'There is no officer with the code {code}' },
  'admin.err.officerCodeNotAllowed': { 'zh-CN': '系统管理员和受理系统用户不关联人员编号', en: 'Administrator and intake users are not linked to an officer' },
  'admin.err.ttl': { 'zh-CN': '请填写 1 到 3650 之间的整数天数', en: 'Enter a whole number of days from 1 to 3650' },
  'admin.err.tokenId': { 'zh-CN': '请填写要吊销的令牌编号', en: 'Enter the id of the token to revoke' },
  'admin.err.tokenUnknown': { 'zh-CN': '没有编号为 {tokenId} 的令牌', en: 'There is no token {tokenId}' },
  'admin.created.done': { 'zh-CN': '用户 {username} 已创建。', en: 'User {username} was created.' },
  'admin.issued.done': { 'zh-CN': '已为 {username} 签发新令牌。', en: 'A new token was issued for {username}.' },
  'admin.revokeConfirm.title': { 'zh-CN': '吊销令牌 {tokenId}？', en: 'Revoke token {tokenId}?' },
  'admin.revokeConfirm.body': {
    'zh-CN': '吊销后，持有该令牌的用户立即退出登录，接口调用也随即被拒绝。此操作不能撤销；如需继续使用，须另行签发新令牌。',
    en: 'Once revoked, the user holding this token is signed out at once and its API calls are refused. This cannot be undone; issue a new token if the user still needs one.',
  },
  'admin.revokeConfirm.owner': { 'zh-CN': '令牌所属用户：{username}', en: 'Token of user {username}' },
  'admin.revokeConfirm.submit': { 'zh-CN': '确认吊销', en: 'Yes, revoke it' },
} satisfies Messages;
