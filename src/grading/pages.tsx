import { createRouter } from '../core/http.js';

/** The HR console pages (filled in once the pages shell lands). */
export const gradingPages = createRouter();
