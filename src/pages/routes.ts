import { createRouter } from '../core/http.js';

/** The pages API and pages. */
export const pagesRoutes = createRouter();
