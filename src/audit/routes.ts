import { createRouter } from '../core/http.js';

/** The audit API and pages. */
export const auditRoutes = createRouter();
