import { createRouter } from '../core/http.js';

/** The decisions API and pages. */
export const decisionsRoutes = createRouter();
