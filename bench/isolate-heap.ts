/**
 * The Worker isolate's memory, read through the V8 inspector that workerd exposes (Miniflare
 * `inspectorPort` + `unsafeInspectorProxy`): `Runtime.getHeapUsage` polled every few ms while a
 * test drives the Worker, keeping the largest `usedSize`. The runtime answers between the
 * Worker's own turns (at every await, e.g. each D1 call), so the peak is the largest heap seen at
 * those points: what the isolate holds across its database calls, garbage not yet collected
 * included. Cloudflare stops an isolate past 128 MB.
 */
import type { Miniflare } from 'miniflare';
import WebSocket from 'ws';

export const ISOLATE_LIMIT_MB = 128;

export interface HeapSampler {
  /** Starts a new measurement; `peakMB()` is the largest heap since. */
  reset(): void;
  peakMB(): number;
  samples(): number;
  close(): Promise<void>;
}

export async function sampleHeap(mf: Miniflare, everyMs = 5): Promise<HeapSampler> {
  const url = await mf.getInspectorURL();
  const list = (await (await fetch(new URL('/json', url.href.replace(/^ws/, 'http')))).json()) as { webSocketDebuggerUrl: string; title: string }[];
  // The user Worker's isolate (Miniflare proxies only the user's workers).
  const target = list[0];
  if (!target) throw new Error('no inspector target for the Worker');
  const ws = new WebSocket(target.webSocketDebuggerUrl, { headers: { origin: 'http://localhost' } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let id = 0;
  const waiting = new Map<number, (v: { usedSize: number }) => void>();
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { id?: number; result?: { usedSize: number } };
    if (m.id !== undefined && m.result) waiting.get(m.id)?.(m.result);
    if (m.id !== undefined) waiting.delete(m.id);
  });
  let peak = 0;
  let count = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    const n = ++id;
    waiting.set(n, (r) => {
      busy = false;
      count++;
      peak = Math.max(peak, r.usedSize);
    });
    ws.send(JSON.stringify({ id: n, method: 'Runtime.getHeapUsage' }));
  }, everyMs);
  return {
    reset: () => {
      peak = 0;
      count = 0;
    },
    peakMB: () => peak / 1048576,
    samples: () => count,
    close: async () => {
      clearInterval(timer);
      ws.close();
    },
  };
}
