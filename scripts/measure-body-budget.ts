/**
 * `npx tsx scripts/measure-body-budget.ts [n]`: peak memory of the Node entry (`npm start`) under
 * n concurrent 60 MiB imports (default 16, half of them chunked), with the body budget on (the
 * default 128 MiB) and, as the baseline of the same run, off (a budget no request reaches). Prints
 * the statuses, the time and the peak RSS of each, and their ratio. Linux (reads /proc). The
 * figures of docs/limits.md come from here.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MiB = 1024 * 1024;
const ADMIN = 'tgo_admin_measure_0123456789abcdef';

async function measure(n: number, budgetMiB: number) {
  const port = 9300 + Math.floor(Math.random() * 500);
  const dir = mkdtempSync(join(tmpdir(), 'tgo-budget-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
    env: { ...process.env, PORT: String(port), DATABASE_URL: `file:${join(dir, 'app.db')}`, ADMIN_TOKEN: ADMIN, SCHEDULE_MINUTES: '0', BODY_BUDGET_MIB: String(budgetMiB) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  while (!out.includes('"listening"')) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const base = `http://127.0.0.1:${port}`;
  const created = await fetch(`${base}/api/v1/users`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ username: 'measure-hr', role: 'hr' }) });
  const hr = ((await created.json()) as { token: string }).token;
  const head = Buffer.from(JSON.stringify({ units: [{ code: 'U-BIG', name: 'Big', peerGroup: 'urban' }] }));
  const send = (size: number, chunked: boolean) =>
    new Promise<number | string>((resolve) => {
      const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${hr}`, ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(size) }) };
      let answered = false;
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/import', headers }, (res) => {
        answered = true;
        res.resume();
        res.on('end', () => {
          resolve(res.statusCode!);
          req.destroy();
        });
      });
      req.on('error', () => (answered ? undefined : resolve('error')));
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (!answered && sent < size) {
          const piece = sent === 0 ? head : chunk.subarray(0, Math.min(chunk.length, size - sent));
          sent += piece.length;
          if (!req.write(piece)) return void req.once('drain', pump);
        }
        if (!answered) req.end();
      };
      pump();
    });
  const started = Date.now();
  const statuses = await Promise.all(Array.from({ length: n }, (_, i) => send(60 * MiB, i % 2 === 0)));
  const ms = Date.now() - started;
  const peak = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  const alive = child.exitCode === null;
  child.kill('SIGTERM');
  return { statuses, ms, peakMiB: Math.round(peak / MiB), alive };
}

const n = Number(process.argv[2] ?? 16);
const on = await measure(n, 128);
const off = await measure(n, 1_000_000);
console.log(`${n} concurrent 60 MiB imports`);
console.log(`budget 128 MiB: peak RSS ${on.peakMiB} MiB, ${on.ms} ms, statuses ${on.statuses.join(' ')}, alive ${on.alive}`);
console.log(`no budget     : peak RSS ${off.peakMiB} MiB, ${off.ms} ms, statuses ${off.statuses.join(' ')}, alive ${off.alive}`);
console.log(`ratio (budget / none): memory ${(on.peakMiB / off.peakMiB).toFixed(2)}, time ${(on.ms / off.ms).toFixed(2)}`);
