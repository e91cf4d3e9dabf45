import { createRouter } from '../core/http.js';
import { signInRoutes } from './sign-in.js';
import { homeRoutes } from './home.js';
import { adminRoutes } from './admin.js';

/** The page shell: home, sign-in/out, language switch, user administration. */
export const pagesRoutes = createRouter();
pagesRoutes.route('/', homeRoutes);
pagesRoutes.route('/', signInRoutes);
pagesRoutes.route('/', adminRoutes);
