import { createRouter } from '../core/http.js';

/** The imports API and pages. */
export const importsRoutes = createRouter();
