import { createRouter } from '../core/http.js';
import { officerPages } from './page-routes.js';

/** The officer's own pages (/me and below); no API routes of its own: the pages call existing verbs. */
export const officerRoutes = createRouter().route('/', officerPages);
