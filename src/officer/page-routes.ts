/** The officer's own pages: one file a page, mounted here. */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { mePages } from './me-page.js';
import { decisionPages } from './decision-pages.js';

export const officerPages = new Hono<AppEnv>().route('/', mePages).route('/', decisionPages);
