import { createRouter } from '../core/http.js';

/** The feedback API and pages. */
export const feedbackRoutes = createRouter();
