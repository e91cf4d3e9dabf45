import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { Layout, navFor, pageT, renderPage } from './layout.js';
import { staffOf } from './session.js';

const blurbs: Record<string, string> = {
  '/hr': 'home.hr',
  '/flags': 'home.flags',
  '/complaints': 'home.complaints',
  '/hr/response-rates': 'home.responseRates',
  '/admin': 'home.admin',
  '/me': 'home.me',
  '/verify': 'home.verify',
};

export const homeRoutes = new Hono<AppEnv>().get('/', (c) => {
  const { lang, t } = pageT(c);
  const staff = staffOf(c);
  const links = navFor(staff?.role ?? null);
  return renderPage(
    c,
    <Layout c={c} title={t('home.title')} lang={lang}>
      <h1>{c.get('ctx').config.bureauName}</h1>
      <p>{t('home.intro')}</p>
      {staff ? (
        <>
          <h2>{t('home.yourPages')}</h2>
          <ul class="cards">
            {links.map((l) => (
              <li>
                <a href={l.href}>
                  <strong>{t(l.key)}</strong>
                </a>
                <br />
                <span class="muted">{t(blurbs[l.href] ?? l.key)}</span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <ul class="cards">
          <li>
            <a href="/login">
              <strong>{t('session.signIn')}</strong>
            </a>
            <br />
            <span class="muted">{t('home.staff')}</span>
          </li>
          <li>
            <a href="/verify">
              <strong>{t('nav.verify')}</strong>
            </a>
            <br />
            <span class="muted">{t('home.taxpayer')}</span>
          </li>
        </ul>
      )}
    </Layout>,
  );
});
