/** The supervisor console: one file a page, mounted here. */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { queuePages } from './queue-page.js';
import { flagPages } from './flag-page.js';
import { noticePages } from './notice-section.js';

export const flagsPages = new Hono<AppEnv>().route('/', queuePages).route('/', flagPages).route('/', noticePages);
