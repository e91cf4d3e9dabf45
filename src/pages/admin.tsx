import { Hono } from 'hono';
import { roles } from '../../db/schema.js';
import type { AppEnv } from '../core/http.js';
import { badRequest } from '../core/errors.js';
import { createUser, issueUserToken, revokeToken } from '../auth/users.js';
import { getUserTokens, listUsers } from '../auth/directory.js';
import { CsrfInput, ErrorBox, Layout, Notice, pageT, renderPage, Table, type PageContext } from './layout.js';
import { requireStaffPage } from './errors.js';
import { formRefusal, num, recoverable, statusOf, str, when } from './page-helpers.js';

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

async function usersPage(c: PageContext, opts: { error?: unknown; created?: { username: string; token: string }; values?: Record<string, string>; status?: 200 | 201 | 400 | 403 | 404 | 409 } = {}) {
  const { lang, t } = pageT(c);
  const cursor = c.req.query('cursor');
  const { items, nextCursor } = await listUsers({ ctx: c.get('ctx'), cursor: cursor || undefined, limit: 200 });
  const v = opts.values ?? {};
  const revoked = c.req.query('revoked');
  return renderPage(
    c,
    <Layout c={c} title={t('admin.title')} lang={lang}>
      <h1>{t('admin.title')}</h1>
      {revoked && <Notice kind="ok">{t('admin.revoked.done', { tokenId: revoked })}</Notice>}
      {opts.created && <NewToken c={c} {...opts.created} />}
      <h2>{t('admin.users')}</h2>
      {items.length === 0 ? (
        <p>{t('admin.none')}</p>
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
          <a href={`/admin?cursor=${encodeURIComponent(nextCursor)}`}>{t('admin.more')}</a>
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
    opts.status ?? 200,
  );
}

async function userPage(c: PageContext, userId: string, opts: { issued?: string; error?: unknown; status?: 200 | 201 | 400 } = {}) {
  const { lang, t } = pageT(c);
  const { user, tokens } = await getUserTokens({ ctx: c.get('ctx'), userId });
  const revoked = c.req.query('revoked');
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
      {opts.issued && <NewToken c={c} username={user.username} token={opts.issued} />}
      <ErrorBox error={opts.error} lang={lang} />
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
  .post('/admin/users/:id/tokens', async (c) => {
    requireStaffPage(c, 'admin');
    const out = await issueUserToken({ ctx: c.get('ctx'), userId: c.req.param('id') });
    return userPage(c, c.req.param('id'), { issued: out.token, status: 201 });
  });
