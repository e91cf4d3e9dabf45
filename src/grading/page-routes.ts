/** The HR console and the printable officer report: one file a page, mounted here. */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { runsPages } from './runs-page.js';
import { comparePages } from './compare-page.js';
import { runPages } from './run-page.js';
import { publishPages } from './publish-page.js';
import { annualPages } from './annual-pages.js';
import { annualOfficerPages } from './annual-officer-page.js';
import { officerResultPages } from './officer-page.js';
import { reportPages } from './report-page.js';

export const gradingPages = new Hono<AppEnv>()
  .route('/', runsPages)
  .route('/', comparePages)
  .route('/', publishPages)
  .route('/', runPages)
  .route('/', officerResultPages)
  .route('/', annualPages)
  .route('/', annualOfficerPages)
  .route('/', reportPages);
