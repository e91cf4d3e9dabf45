import { createRouter } from '../core/http.js';

/** The flags API and pages. */
export const flagsRoutes = createRouter();
