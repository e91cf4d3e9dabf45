import { Hono } from 'hono';
import { roles, type Role } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';
import type { AppEnv } from '../core/http.js';
import { badRequest, type ApiError } from '../core/errors.js';
import { changeUserRole, deactivateUser, reactivateUser } from '../auth/admin-users.js';
import { createUser, issueUserToken, revokeToken } from '../auth/users.js';
import { getUserTokens, listUsers } from '../auth/directory.js';
import { CsrfInput, ErrorBox, Layout, Notice, pageT, renderPage, Table, type PageContext } from './layout.js';
import { requireStaffPage } from './errors.js';
import { formRefusal, num, recoverable, statusOf, str, when, type Form, type PageStatus } from './page-helpers.js';

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

async function usersPage(c: PageContext, opts: { error?: unknown; created?: { username: string; token: string }; values?: Record<string, string>; status?: 200 | 201 | 400 | 403 | 404 | 409 } = {}) {
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
  return renderPage(
    c,
    <Layout c={c} title={t('admin.title')} lang={lang}>
      <h1>{t('admin.title')}</h1>
      {revoked && <Notice kind="ok">{t('admin.revoked.done', { tokenId: revoked })}</Notice>}
      {opts.created && <NewToken c={c} {...opts.created} />}
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
          <ErrorBox error={opts.error} lang={lang} />
          <CsrfInput c={c} />
          <label for="username">{t('admin.username')}</label>
          <input id="username" name="username" type="text" required maxlength={64} autocomplete="off" value={v.username ?? ''} />
          <label for="role">{t('admin.role')}</label>
          <select id="role" name="role" required>
            <option value="">{t('admin.chooseRole')}</option>
            {roles.map((r) => (
              <option value={r} selected={v.role === r}>
                {t(`role.${r}`)} ({r})
              </option>
            ))}
          </select>
          <label for="officerCode">
            {t('admin.officerCode')}
            <span class="hint">{t('admin.officerCodeHint')}</span>
          </label>
          <input id="officerCode" name="officerCode" type="text" value={v.officerCode ?? ''} />
          <label for="tokenTtlDays">{t('admin.ttl')}</label>
          <input id="tokenTtlDays" name="tokenTtlDays" type="number" min={1} max={3650} placeholder="365" value={v.tokenTtlDays ?? ''} />
          <div>
            <button type="submit">{t('admin.createSubmit')}</button>
          </div>
        </fieldset>
      </form>

      <form method="post" action="/admin/tokens/revoke">
        <fieldset>
          <legend>{t('admin.revoke')}</legend>
          <CsrfInput c={c} />
          <label for="tokenId">{t('admin.tokenId')}</label>
          <input id="tokenId" name="tokenId" type="text" required autocomplete="off" />
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

async function userPage(c: PageContext, userId: string, opts: { issued?: string; error?: unknown; status?: PageStatus } = {}) {
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
      {done && <Notice kind="ok">{t(`admin.done.${done}`)}</Notice>}
      {opts.issued && <NewToken c={c} username={user.username} token={opts.issued} />}
      <ErrorBox error={opts.error} lang={lang} />
      <AccountActions c={c} user={user} />
      <h2>{t('admin.details')}</h2>
      <Table head={[t('admin.tokenId'), t('admin.created'), t('admin.expires'), t('admin.status'), '']}>
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
                <form method="post" action="/admin/tokens/revoke" class="inline-form">
                  <CsrfInput c={c} />
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
    return usersPage(c);
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
      return usersPage(c, { created: { username: values.username, token: out.token }, status: 201 });
    } catch (e) {
      const err = formRefusal(c, e);
      return usersPage(c, { error: err, values, status: statusOf(err) });
    }
  })
  .post('/admin/tokens/revoke', async (c) => {
    requireStaffPage(c, 'admin');
    const form = await c.req.parseBody();
    const tokenId = str(form, 'tokenId');
    const back = str(form, 'back');
    const target = /^\/admin\/users\/[A-Za-z0-9_%-]+$/.test(back) ? back : '/admin';
    try {
      if (!tokenId) throw badRequest('The form has errors.', [{ path: 'tokenId', message: 'required' }]);
      await revokeToken({ ctx: c.get('ctx'), tokenId });
    } catch (e) {
      const err = recoverable(e);
      return usersPage(c, { error: err, status: statusOf(err) });
    }
    return c.redirect(`${target}?revoked=${encodeURIComponent(tokenId)}`, 303);
  })
  .get('/admin/users/:id', async (c) => {
    requireStaffPage(c, 'admin');
    return userPage(c, c.req.param('id'));
  })
  .post('/admin/users/:id/deactivate', (c) => accountAction(c, 'deactivated', (ctx, id, form) => deactivateUser({ ctx, input: { id, reason: str(form, 'reason') } })))
  .post('/admin/users/:id/reactivate', (c) => accountAction(c, 'reactivated', (ctx, id, form) => reactivateUser({ ctx, input: { id, reason: str(form, 'reason') } })))
  .post('/admin/users/:id/role', (c) => accountAction(c, 'role', (ctx, id, form) => changeUserRole({ ctx, input: { id, role: str(form, 'role'), reason: str(form, 'reason') } })))
  .post('/admin/users/:id/tokens', async (c) => {
    requireStaffPage(c, 'admin');
    const out = await issueUserToken({ ctx: c.get('ctx'), userId: c.req.param('id') });
    return userPage(c, c.req.param('id'), { issued: out.token, status: 201 });
  });
