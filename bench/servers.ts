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
 * Each prints `PORT <n>` once listening, and on SIGTERM `CPU {"posts", "userUs", "systemUs"}`: the
 * process's CPU time (all threads) from its first request to its first GET, per POST. Unlike
 * req/s on a machine the load generator shares, CPU time per request hardly depends on load.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { openDb, migrateDb } from '../db/client.js';
import { createApp } from '../src/app.js';
import { randomSeed, signerFromSeed } from '../src/audit/signer.js';
import { resolveConfig } from '../src/core/config.js';
import { runningClock } from './clock.js';

async function main() {
  const [mode, a, b] = process.argv.slice(2);
  let fetch: (req: Request) => Response | Promise<Response>;
  if (mode === 'app') {
    const { db } = await openDb({ url: `file:${a}` });
    await migrateDb(db);
    const app = createApp({ db, signer: signerFromSeed(randomSeed()), clock: runningClock(b!), config: resolveConfig({ PUBLIC_URL: 'http://127.0.0.1' }) });
    fetch = app.fetch;
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
  // CPU from the first request until the first GET (the bare server's hello-world comes last).
  let cpu0: NodeJS.CpuUsage | null = null;
  let cpuAtGet: NodeJS.CpuUsage | null = null;
  let posts = 0;
  const handle = fetch;
  fetch = (req: Request) => {
    cpu0 ??= process.cpuUsage();
    if (req.method === 'POST') posts++;
    else cpuAtGet ??= process.cpuUsage(cpu0);
    return handle(req);
  };
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    console.log(`PORT ${info.port}`);
  });
  // Stop at once: idle keep-alive connections from the load generator would hold close() open.
  process.on('SIGTERM', () => {
    const cpu = cpuAtGet ?? (cpu0 ? process.cpuUsage(cpu0) : { user: 0, system: 0 });
    console.log(`CPU ${JSON.stringify({ posts, userUs: cpu.user / Math.max(1, posts), systemUs: cpu.system / Math.max(1, posts) })}`);
    server.close();
    process.exit(0);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
