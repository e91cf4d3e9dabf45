/**
 * The two HTTP servers of the form scenario, each run in its own process so the load generator
 * (autocannon, in the bench process) never shares their event loop:
 *
 *   app  <dbFile> <nowIso>   the real service (createApp, as src/node.ts builds it) on
 *                            @hono/node-server over a copy of the bench database; the clock starts
 *                            at <nowIso> and runs, so the bench data's "today" holds on any date
 *   bare <pageBytes>         a bare Hono app on the same server stack: POST /f/:token parses the
 *                            same form body and validates it, then returns a thank-you page of
 *                            the same size with no database work; GET /hello is hello-world
 *
 * Each prints `PORT <n>` once listening. `GET /_bench/cpu` (answered before the app sees it, the
 * same on both servers) returns `{"posts", "userUs", "systemUs", "groups", "items"}`: the process's
 * CPU time (all threads, user and system) since the previous such call, per POST answered
 * meanwhile, and the form's group writes and the submissions they carried (0 on the bare server),
 * and starts a new measurement. The bench brackets each measured round with it. Unlike req/s on a machine the
 * load generator shares, CPU time per request hardly depends on load.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { openDb, migrateDb } from '../db/client.js';
import { createApp } from '../src/app.js';
import { submissionQueue } from '../src/feedback/submit.js';
import { randomSeed, signerFromSeed } from '../src/audit/signer.js';
import { resolveConfig } from '../src/core/config.js';
import { runningClock } from './clock.js';

async function main() {
  const [mode, a, b] = process.argv.slice(2);
  let fetch: (req: Request) => Response | Promise<Response>;
  // The form's group-commit queue (app only): groups and items written, for the mean group size.
  let groups: () => { groups: number; items: number } = () => ({ groups: 0, items: 0 });
  if (mode === 'app') {
    const { db } = await openDb({ url: `file:${a}` });
    await migrateDb(db);
    const app = createApp({ db, signer: signerFromSeed(randomSeed()), clock: runningClock(b!), config: resolveConfig({ PUBLIC_URL: 'http://127.0.0.1' }) });
    fetch = app.fetch;
    groups = () => submissionQueue(db).stats;
  } else if (mode === 'bare') {
    const pageBytes = Number(a ?? 2000);
    const head = '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>谢谢</title></head><body><h1>感谢您的评价</h1><p>';
    const tail = '</p></body></html>';
    const app = new Hono();
    app.get('/hello', (c) => c.text('Hello World!'));
    app.post('/f/:token', async (c) => {
      const token = c.req.param('token');
      if (!/^[A-Za-z0-9_-]{22,100}$/.test(token)) return c.text('bad token', 404);
      const body = await c.req.parseBody();
      for (const k of ['professionalism', 'attitude', 'efficiency', 'integrity']) {
        const v = String(body[k] ?? '');
        if (!/^[1-5]$/.test(v)) return c.text(`bad ${k}`, 400);
      }
      const receipt = `receipt ${token.slice(0, 8)} `;
      const used = Buffer.byteLength(head + receipt + tail);
      return c.html(head + receipt + 'x'.repeat(Math.max(0, pageBytes - used)) + tail);
    });
    fetch = app.fetch;
  } else {
    throw new Error('usage: servers.ts app <dbFile> <nowIso> | bare <pageBytes>');
  }
  // CPU per POST between two calls of GET /_bench/cpu (see the header comment).
  let cpu0 = process.cpuUsage();
  let groups0 = { ...groups() };
  let posts = 0;
  const handle = fetch;
  fetch = (req: Request) => {
    if (req.method === 'POST') posts++;
    else if (req.url.endsWith('/_bench/cpu')) {
      const cpu = process.cpuUsage(cpu0);
      const per = Math.max(1, posts);
      const g = groups();
      const body = JSON.stringify({ posts, userUs: cpu.user / per, systemUs: cpu.system / per, groups: g.groups - groups0.groups, items: g.items - groups0.items });
      posts = 0;
      groups0 = { ...g };
      cpu0 = process.cpuUsage();
      return new Response(body, { headers: { 'content-type': 'application/json' } });
    }
    return handle(req);
  };
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    console.log(`PORT ${info.port}`);
  });
  // Stop at once: idle keep-alive connections from the load generator would hold close() open.
  process.on('SIGTERM', () => {
    server.close();
    process.exit(0);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
