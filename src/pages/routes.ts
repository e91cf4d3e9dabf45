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
pagesRoutes.get('/assets/verify.js', (c) =>
  c.body(verifyScript, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300' }),
);
