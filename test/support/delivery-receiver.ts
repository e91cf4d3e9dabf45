/**
 * A delivery gateway for the tests: a real HTTP server on 127.0.0.1 that checks every request's
 * signature as docs/delivery.md tells gateways to, written apart from the service's code
 * (node:crypto's HMAC and timingSafeEqual), so the service is checked by an implementation it
 * does not share. It answers what the test tells it to, remembers the ids it has handled (a
 * second request with one is a duplicate, answered 200 and not delivered again) and refuses, with
 * 401, a bad signature or a timestamp more than 300 s from its clock.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  id: string;
  kind: 'invitation' | 'reminder';
  channel: string;
  address: string;
  lang: string;
  text: string;
  url: string;
  attempt: number;
  timestamp: number;
}

export interface Receiver {
  url: string;
  /** Messages accepted with a valid signature, in arrival order (duplicates not repeated). */
  delivered: Received[];
  /** Every request with a valid signature, whatever it was answered. */
  attempts: Received[];
  /** Requests refused 401, with why. */
  refused: string[];
  /** Valid requests repeating an id already delivered. */
  duplicates: string[];
  /** Every request as it arrived (headers and raw body), to replay. */
  raw: { headers: Record<string, string>; body: string }[];
  /** What to answer a valid request (default 200). */
  respond: (m: Received) => number;
  stop(): Promise<void>;
}

const TOLERANCE_S = 300;

function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startReceiver(opts: { secret: string; now?: () => number }): Promise<Receiver> {
  const now = opts.now ?? (() => Date.now());
  const handled = new Set<string>();
  const r: Omit<Receiver, 'url' | 'stop'> = { delivered: [], attempts: [], refused: [], duplicates: [], raw: [], respond: () => 200 };
  const server = createServer(async (req, res) => {
    const body = await bodyOf(req);
    r.raw.push({ headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body });
    const id = String(req.headers['x-delivery-id'] ?? '');
    const ts = String(req.headers['x-delivery-timestamp'] ?? '');
    const sig = String(req.headers['x-delivery-signature'] ?? '');
    const refuse = (why: string) => {
      r.refused.push(why);
      res.writeHead(401).end();
    };
    if (req.method !== 'POST') return refuse(`method ${req.method}`);
    const expected = Buffer.from(`v1=${createHmac('sha256', opts.secret).update(`${ts}.${id}.${body}`).digest('hex')}`);
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse('bad signature');
    if (!/^\d+$/.test(ts) || Math.abs(now() / 1000 - Number(ts)) > TOLERANCE_S) return refuse('stale timestamp');
    const m = { ...(JSON.parse(body) as Omit<Received, 'timestamp'>), timestamp: Number(ts) };
    if (m.id !== id) return refuse('id in the body differs from the header');
    r.attempts.push(m);
    if (handled.has(id)) {
      r.duplicates.push(id);
      return res.writeHead(200).end();
    }
    const status = r.respond(m);
    if (status >= 200 && status < 300) {
      handled.add(id);
      r.delivered.push(m);
    }
    res.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver = r as Receiver;
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/deliver`;
  receiver.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver;
}
