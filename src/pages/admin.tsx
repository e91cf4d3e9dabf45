import { Hono } from 'hono';
import { roles, type Role } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';
import type { AppEnv } from '../core/http.js';
import { ApiError, badRequest } from '../core/errors.js';
import { changeUserRole, deactivateUser, reactivateUser } from '../auth/admin-users.js';
import { createUser, issueUserToken, revokeToken } from '../auth/users.js';
import { getUserTokens, listUsers } from '../auth/directory.js';
import { CsrfInput, ErrorBox, Layout, Notice, pageT, renderPage, Table, type PageContext } from './layout.js';
import { requireStaffPage } from './errors.js';
import { formRefusal, num, recoverable, statusOf, str, when, type Form, type PageStatus } from './page-helpers.js';
import { flashError, flashStatus, redirectRefused, setFlash, takeFlash } from './flash.js';
import { ErrorSummary, FieldMessage, fieldMessages, invalidProps, type FieldMessages } from './form-fields.js';
import type { Lang, Translate } from './i18n.js';

function NewToken(props: { c: PageContext; username: string; token: string }) {
  const { t } = pageT(props.c);
  return (
    <Notice kind="ok">
      {t('admin.newToken', { username: props.username })}
      <code class="secret" data-testid="new-token">
        {props.token}
      </code>
    </Notice>
  );
}

/** Deactivate or reactivate, and change the role: each with a reason for the audit log and a confirmation. Not on one's own account. */
function AccountActions(props: { c: PageContext; user: { id: string; role: Role; officerCode: string | null; disabledAt: string | null } }) {
  const { c, user } = props;
  const { t } = pageT(c);
  const me = c.get('ctx').actor;
  if (me.kind === 'user' && me.userId === user.id) return <Notice>{t('admin.self')}</Notice>;
  const action = `/admin/users/${encodeURIComponent(user.id)}`;
  const Reason = (p: { id: string }) => (
    <>
      <label for={p.id}>{t('admin.reason')}</label>
      <input id={p.id} name="reason" type="text" required maxlength={2000} />
      <label>
        <input type="checkbox" name="confirm" value="yes" required /> {t('admin.confirm')}
      </label>
    </>
  );
  return (
    <>
      <h2>{t('admin.account')}</h2>
      {user.disabledAt ? (
        <form method="post" action={`${action}/reactivate`}>
          <fieldset>
            <legend>{t('admin.reactivate')}</legend>
            <CsrfInput c={c} />
            <Reason id="reactivate-reason" />
            <button type="submit">{t('admin.reactivate')}</button>
          </fieldset>
        </form>
      ) : (
        <form method="post" action={`${action}/deactivate`}>
          <fieldset>
            <legend>{t('admin.deactivate')}</legend>
            <p class="hint">{t('admin.deactivateHint')}</p>
            <CsrfInput c={c} />
            <Reason id="deactivate-reason" />
            <button type="submit" class="danger">
              {t('admin.deactivate')}
            </button>
          </fieldset>
        </form>
      )}
      <form method="post" action={`${action}/role`}>
        <fieldset>
          <legend>{t('admin.changeRole')}</legend>
          <CsrfInput c={c} />
          <label for="new-role">{t('admin.newRole')}</label>
          <select id="new-role" name="role" required>
            {roles
              .filter((r) => r !== user.role)
              .map((r) => (
                <option value={r}>{t(`role.${r}`)}</option>
              ))}
          </select>
          <Reason id="role-reason" />
          <button type="submit">{t('admin.changeRoleSubmit')}</button>
        </fieldset>
      </form>
    </>
  );
}

async function usersPage(c: PageContext, opts: { error?: unknown; revokeError?: unknown; values?: Record<string, string>; status?: 200 | 201 | 400 | 403 | 404 | 409 } = {}) {
  const { lang, t } = pageT(c);
  const cursor = c.req.query('cursor');
  const search = { q: c.req.query('q')?.trim() || undefined, role: c.req.query('role') || undefined, status: c.req.query('status') || undefined };
  let searchError: ApiError | undefined;
  const list = (filter: typeof search) => listUsers({ ctx: c.get('ctx'), cursor: cursor || undefined, limit: 200, filter });
  const { items, nextCursor } = await list(search).catch((e: unknown) => {
    searchError = formRefusal(c, e);
    return list({ q: undefined, role: undefined, status: undefined });
  });
  const searchQuery = Object.entries(search)
    .filter(([, v]) => v)
    .map(([k, v]) => `&${k}=${encodeURIComponent(v!)}`)
    .join('');
  const v = opts.values ?? {};
  const revoked = c.req.query('revoked');
  const fields = createFieldMessages(opts.error, t, v);
  const revokeMessage = opts.revokeError === undefined ? undefined : v.tokenId ? t('admin.err.tokenUnknown', { tokenId: v.tokenId }) : t('admin.err.tokenId');
  return renderPage(
    c,
    <Layout c={c} title={t('admin.title')} lang={lang}>
      <h1>{t('admin.title')}</h1>
      {revoked && <Notice kind="ok">{t('admin.revoked.done', { tokenId: revoked })}</Notice>}
      <h2>{t('admin.users')}</h2>
      <form method="get" action="/admin" role="search" aria-label={t('admin.search')}>
        <fieldset>
          <legend>{t('admin.search')}</legend>
          <ErrorBox error={searchError} lang={lang} />
          <label for="q">{t('admin.q')}</label>
          <input id="q" name="q" type="text" maxlength={64} value={search.q ?? ''} />
          <label for="f-role">{t('admin.role')}</label>
          <select id="f-role" name="role">
            <option value="">{t('admin.anyRole')}</option>
            {roles.map((r) => (
              <option value={r} selected={search.role === r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
          <label for="f-status">{t('admin.status')}</label>
          <select id="f-status" name="status">
            <option value="">{t('admin.anyStatus')}</option>
            {(['active', 'disabled'] as const).map((st) => (
              <option value={st} selected={search.status === st}>
                {t(`admin.${st}`)}
              </option>
            ))}
          </select>
          <div>
            <button type="submit">{t('admin.searchSubmit')}</button> <a href="/admin">{t('admin.clear')}</a>
          </div>
        </fieldset>
      </form>
      {items.length === 0 ? (
        <p>{searchQuery ? t('admin.noMatch') : t('admin.none')}</p>
      ) : (
        <Table head={[t('admin.username'), t('admin.role'), t('admin.officerCode'), t('admin.tokens'), t('admin.status')]} numeric={[3]}>
          {items.map((u) => (
            <tr>
              <td>
                <a href={`/admin/users/${encodeURIComponent(u.id)}`}>{u.username}</a>
              </td>
              <td>{t(`role.${u.role}`)}</td>
              <td>{u.officerCode ?? ''}</td>
              <td class="num">{u.activeTokens}</td>
              <td>{u.disabledAt ? t('admin.disabled') : t('admin.active')}</td>
            </tr>
          ))}
        </Table>
      )}
      {nextCursor && (
        <p>
          <a href={`/admin?cursor=${encodeURIComponent(nextCursor)}${searchQuery}`}>{t('admin.more')}</a>
        </p>
      )}

      <form method="post" action="/admin/users">
        <fieldset>
          <legend>{t('admin.create')}</legend>
          <CreateErrors t={t} lang={lang} error={opts.error} fields={fields} />
          <CsrfInput c={c} />
          <label for="username">{t('admin.username')}</label>
          <FieldMessage id="username" messages={fields.get('username')} />
          <input id="username" name="username" type="text" required maxlength={64} autocomplete="off" value={v.username ?? ''} {...invalidProps('username', { error: fields.has('username') })} />
          <label for="role">{t('admin.role')}</label>
          <FieldMessage id="role" messages={fields.get('role')} />
          <select id="role" name="role" required {...invalidProps('role', { error: fields.has('role') })}>
            <option value="">{t('admin.chooseRole')}</option>
            {roles.map((r) => (
              <option value={r} selected={v.role === r}>
                {t(`role.${r}`)} ({r})
              </option>
            ))}
          </select>
          <label for="officerCode">
            {t('admin.officerCode')}
            <span class="hint" id="officerCode-hint">
              {t('admin.officerCodeHint')}
            </span>
          </label>
          <FieldMessage id="officerCode" messages={fields.get('officerCode')} />
          <input id="officerCode" name="officerCode" type="text" value={v.officerCode ?? ''} {...invalidProps('officerCode', { hint: true, error: fields.has('officerCode') })} />
          <label for="tokenTtlDays">{t('admin.ttl')}</label>
          <FieldMessage id="tokenTtlDays" messages={fields.get('tokenTtlDays')} />
          <input
            id="tokenTtlDays"
            name="tokenTtlDays"
            type="text"
            inputmode="numeric"
            placeholder="365"
            value={v.tokenTtlDays ?? ''}
            {...invalidProps('tokenTtlDays', { error: fields.has('tokenTtlDays') })}
          />
          <div>
            <button type="submit">{t('admin.createSubmit')}</button>
          </div>
        </fieldset>
      </form>

      <form method="get" action="/admin/tokens/revoke">
        <fieldset>
          <legend>{t('admin.revoke')}</legend>
          <label for="tokenId">{t('admin.tokenId')}</label>
          <FieldMessage id="tokenId" messages={revokeMessage ? [revokeMessage] : undefined} />
          <input id="tokenId" name="tokenId" type="text" required autocomplete="off" value={v.tokenId ?? ''} {...invalidProps('tokenId', { error: !!revokeMessage })} />
          <div>
            <button type="submit" class="danger">
              {t('admin.revokeSubmit')}
            </button>
          </div>
        </fieldset>
      </form>
    </Layout>,
    opts.status ?? (searchError ? 400 : 200),
  );
}

async function userPage(c: PageContext, userId: string, opts: { issued?: string; created?: string; error?: unknown; status?: 200 | 201 | 400 | 403 | 404 | 409 } = {}) {
  const { lang, t } = pageT(c);
  const { user, tokens } = await getUserTokens({ ctx: c.get('ctx'), userId });
  const revoked = c.req.query('revoked');
  const doneQ = c.req.query('done');
  const done = doneQ === 'deactivated' || doneQ === 'reactivated' || doneQ === 'role' ? doneQ : undefined;
  const back = `/admin/users/${encodeURIComponent(user.id)}`;
  return renderPage(
    c,
    <Layout c={c} title={t('admin.userTitle', { username: user.username })} lang={lang}>
      <p class="no-print">
        <a href="/admin">{t('admin.backToUsers')}</a>
      </p>
      <h1>{t('admin.userTitle', { username: user.username })}</h1>
      <p>
        {t(`role.${user.role}`)}
        {user.officerCode ? ` · ${user.officerCode}` : ''}
        {user.disabledAt ? ` · ${t('admin.disabled')}` : ''}
      </p>
      {revoked && <Notice kind="ok">{t('admin.revoked.done', { tokenId: revoked })}</Notice>}
      {opts.created && <Notice kind="ok">{t('admin.created.done', { username: opts.created })}</Notice>}
      {done && <Notice kind="ok">{t(`admin.done.${done}`)}</Notice>}
      {opts.issued && <NewToken c={c} username={user.username} token={opts.issued} />}
      <ErrorBox error={opts.error} lang={lang} />
      <AccountActions c={c} user={user} />
      <h2>{t('admin.details')}</h2>
      <Table head={[t('admin.tokenId'), t('admin.created'), t('admin.expires'), t('admin.status'), <span class="visually-hidden">{t('table.actions')}</span>]}>
        {tokens.map((tok) => (
          <tr>
            <td>
              <code>{tok.id}</code>
            </td>
            <td>{when(tok.createdAt)}</td>
            <td>{tok.expiresAt ? when(tok.expiresAt) : t('admin.never')}</td>
            <td>{t(`admin.${tok.status}`)}</td>
            <td>
              {tok.status === 'active' && (
                <form method="get" action="/admin/tokens/revoke" class="inline-form">
                  <input type="hidden" name="tokenId" value={tok.id} />
                  <input type="hidden" name="back" value={back} />
                  <button type="submit" class="danger" aria-label={`${t('admin.revokeSubmit')} ${tok.id}`}>
                    {t('admin.revokeSubmit')}
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </Table>
      <form method="post" action={`${back}/tokens`}>
        <CsrfInput c={c} />
        <button type="submit">{t('admin.issue')}</button>
      </form>
    </Layout>,
    opts.status ?? 200,
  );
}

/** The create-user form's errors by field, in the page's words; a taken name is the username's error. */
function createFieldMessages(error: unknown, t: Translate, v: Record<string, string>): FieldMessages {
  const fields = fieldMessages(error, (f, field) => {
    if (field === 'username') return t('admin.err.username');
    if (field === 'role') return t('admin.err.role');
    if (field === 'tokenTtlDays') return t('admin.err.ttl');
    if (field === 'officerCode') {
      if (f.message.startsWith('required')) return t('admin.err.officerCodeRequired');
      if (f.message.startsWith('not allowed')) return t('admin.err.officerCodeNotAllowed');
      return t('admin.err.officerCodeUnknown', { code: v.officerCode ?? '' });
    }
    return undefined;
  });
  if (error instanceof ApiError && error.code === 'username_taken') fields.set('username', [t('admin.err.usernameTaken', { username: v.username ?? '' })]);
  return fields;
}

const createLabels: Record<string, string> = { username: 'admin.username', role: 'admin.role', officerCode: 'admin.officerCode', tokenTtlDays: 'admin.ttl' };

/** Every error of the create-user form at once, each linked to its field. */
function CreateErrors(props: { t: Translate; lang: Lang; error?: unknown; fields: FieldMessages }) {
  const { t, fields } = props;
  if (props.error === undefined) return <></>;
  const items = [...fields].filter(([f]) => createLabels[f]).map(([f, messages]) => ({ id: f, label: t(createLabels[f]!), messages }));
  // A refusal that is about no field of this form (a role check) still shows, in its own words.
  return items.length ? <ErrorSummary title={t('form.errorsTitle')} items={items} /> : <ErrorBox error={props.error} lang={props.lang} />;
}

/** Asks before a token is revoked: a page of its own, so the confirmation works without JavaScript. */
async function revokeConfirmPage(c: PageContext, tokenId: string, back: string) {
  const { lang, t } = pageT(c);
  return renderPage(
    c,
    <Layout c={c} title={t('admin.revokeConfirm.title', { tokenId })} lang={lang}>
      <h1>{t('admin.revokeConfirm.title', { tokenId })}</h1>
      <Notice kind="warn">{t('admin.revokeConfirm.body')}</Notice>
      <form method="post" action="/admin/tokens/revoke">
        <CsrfInput c={c} />
        <input type="hidden" name="tokenId" value={tokenId} />
        <input type="hidden" name="back" value={back} />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="danger" data-testid="confirm-revoke">
          {t('admin.revokeConfirm.submit')}
        </button>
      </form>
      <p>
        <a href={back}>{t('form.cancel')}</a>
      </p>
    </Layout>,
  );
}

/** Where a revocation returns to: the user's page it came from, else the user list. */
const revokeBack = (back: string): string => (/^\/admin\/users\/[A-Za-z0-9_%-]+$/.test(back) ? back : '/admin');

/** A posted account action: confirmed, then the verb, then back to the user's page (303); a refusal is shown there. */
async function accountAction(c: PageContext, done: string, verb: (ctx: Ctx, id: string, form: Form) => Promise<unknown>) {
  requireStaffPage(c, 'admin');
  const id = c.req.param('id')!;
  const form = await c.req.parseBody();
  try {
    if (str(form, 'confirm') !== 'yes') throw badRequest('The form has errors.', [{ path: 'confirm', message: pageT(c).t('admin.confirmMissing') }]);
    await verb(c.get('ctx'), id, form);
  } catch (e) {
    const err = formRefusal(c, e);
    return userPage(c, id, { error: err, status: statusOf(err) });
  }
  return c.redirect(`/admin/users/${encodeURIComponent(id)}?done=${done}`, 303);
}

/** User administration for the admin role: the same verbs as POST /api/v1/users and friends. */
export const adminRoutes = new Hono<AppEnv>()
  .get('/admin', async (c) => {
    requireStaffPage(c, 'admin');
    const flash = await takeFlash(c);
    const error = flashError(flash);
    return usersPage(c, flash?.form === 'revoke' ? { revokeError: error, values: flash.values, status: flashStatus(flash) } : { error, values: flash?.values, status: flashStatus(flash) });
  })
  .post('/admin/users', async (c) => {
    requireStaffPage(c, 'admin');
    const form = await c.req.parseBody();
    const values = { username: str(form, 'username'), role: str(form, 'role'), officerCode: str(form, 'officerCode'), tokenTtlDays: str(form, 'tokenTtlDays') };
    const input = {
      username: values.username,
      role: values.role,
      officerCode: values.officerCode || undefined,
      tokenTtlDays: num(form, 'tokenTtlDays'),
    };
    try {
      const out = await createUser({ ctx: c.get('ctx'), input });
      // Post, redirect, get: the new token rides the sealed flash to the user's page, shown once.
      await setFlash(c, { once: { created: values.username, token: out.token } });
      return c.redirect(`/admin/users/${encodeURIComponent(out.id)}`, 303);
    } catch (e) {
      const err = formRefusal(c, e);
      return (await redirectRefused(c, '/admin#username', err, { values })) ?? usersPage(c, { error: err, values, status: statusOf(err) });
    }
  })
  .get('/admin/tokens/revoke', async (c) => {
    requireStaffPage(c, 'admin');
    const tokenId = (c.req.query('tokenId') ?? '').trim();
    const back = revokeBack(c.req.query('back') ?? '');
    if (!tokenId) return usersPage(c, { revokeError: badRequest('The form has errors.', [{ path: 'tokenId', message: 'required' }]), status: 400 });
    return revokeConfirmPage(c, tokenId, back);
  })
  .post('/admin/tokens/revoke', async (c) => {
    requireStaffPage(c, 'admin');
    const form = await c.req.parseBody();
    const tokenId = str(form, 'tokenId');
    const target = revokeBack(str(form, 'back'));
    // Revoking ends a user's sessions at once: only an explicit confirmation does it.
    if (str(form, 'confirm') !== 'yes') return c.redirect(`/admin/tokens/revoke?tokenId=${encodeURIComponent(tokenId)}&back=${encodeURIComponent(target)}`, 303);
    try {
      if (!tokenId) throw badRequest('The form has errors.', [{ path: 'tokenId', message: 'required' }]);
      await revokeToken({ ctx: c.get('ctx'), tokenId });
    } catch (e) {
      const err = recoverable(e);
      // From the user list, the free-text field shows what was typed; from a user's page, its own notice.
      const to = target === '/admin' ? '/admin#tokenId' : target;
      return (await redirectRefused(c, to, err, { form: 'revoke', values: { tokenId } })) ?? usersPage(c, { revokeError: err, values: { tokenId }, status: statusOf(err) });
    }
    return c.redirect(`${target}?revoked=${encodeURIComponent(tokenId)}`, 303);
  })
  .get('/admin/users/:id', async (c) => {
    requireStaffPage(c, 'admin');
    const flash = await takeFlash(c);
    const error = flashError(flash);
    const tokenId = flash?.values?.tokenId;
    return userPage(c, c.req.param('id'), {
      issued: flash?.once?.token,
      created: flash?.once?.created,
      error: error && tokenId && error.status === 404 ? pageT(c).t('admin.err.tokenUnknown', { tokenId }) : error,
      status: flashStatus(flash),
    });
  })
  .post('/admin/users/:id/deactivate', (c) => accountAction(c, 'deactivated', (ctx, id, form) => deactivateUser({ ctx, input: { id, reason: str(form, 'reason') } })))
  .post('/admin/users/:id/reactivate', (c) => accountAction(c, 'reactivated', (ctx, id, form) => reactivateUser({ ctx, input: { id, reason: str(form, 'reason') } })))
  .post('/admin/users/:id/role', (c) => accountAction(c, 'role', (ctx, id, form) => changeUserRole({ ctx, input: { id, role: str(form, 'role'), reason: str(form, 'reason') } })))
  .post('/admin/users/:id/tokens', async (c) => {
    requireStaffPage(c, 'admin');
    const id = c.req.param('id');
    const out = await issueUserToken({ ctx: c.get('ctx'), userId: id });
    await setFlash(c, { once: { token: out.token } });
    return c.redirect(`/admin/users/${encodeURIComponent(id)}`, 303);
  });
