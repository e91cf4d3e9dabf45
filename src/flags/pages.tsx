import { createRouter } from '../core/http.js';

/** The supervisor console (server-rendered). */
export const flagsPages = createRouter();
