import { createRouter } from '../core/http.js';
import { signInRoutes } from './sign-in.js';
import { homeRoutes } from './home.js';
import { adminRoutes } from './admin.js';
import { verifyPage, verifyScript } from './verify.js';

/** The page shell: home, sign-in/out, language switch, user administration, the public receipt check. */
export const pagesRoutes = createRouter();
pagesRoutes.route('/', homeRoutes);
pagesRoutes.route('/', signInRoutes);
pagesRoutes.route('/', adminRoutes);
pagesRoutes.get('/verify', verifyPage);
// The site's icon, asked for by every browser on every page (also at /favicon.ico, where browsers
// look when a page names none): the header's blue with a white tick, as SVG.
const favicon =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b4f8a"/>' +
  '<path d="M8 16.5l5.5 5.5L24 10.5" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/></svg>';
for (const path of ['/favicon.svg', '/favicon.ico']) {
  pagesRoutes.get(path, (c) => c.body(favicon, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' }));
}
pagesRoutes.get('/assets/verify.js', (c) =>
  c.body(verifyScript, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300' }),
);
