import { createRouter } from '../core/http.js';

/** The grading API and pages. */
export const gradingRoutes = createRouter();
