/** The complaint pages: one file a page, mounted here (fixed paths before /complaints/:id). */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { trackPages } from './track-page.js';
import { listPages } from './list-page.js';
import { entryPages } from './entry-page.js';
import { analysisPages } from './analysis-page.js';
import { complaintPages as onePages } from './complaint-page.js';

export const complaintPages = new Hono<AppEnv>()
  .route('/', trackPages)
  .route('/', listPages)
  .route('/', entryPages)
  .route('/', analysisPages)
  .route('/', onePages);
