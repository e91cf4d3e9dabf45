import { createRouter } from '../core/http.js';
import { signInRoutes } from './sign-in.js';
import { homeRoutes } from './home.js';

/** The page shell: home, sign-in/out, language switch, user administration. */
export const pagesRoutes = createRouter();
pagesRoutes.route('/', homeRoutes);
pagesRoutes.route('/', signInRoutes);
