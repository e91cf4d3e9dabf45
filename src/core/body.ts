/**
 * Request bodies: how large a body may be, and how many bytes of bodies the process holds at
 * once (docs/limits.md, ADR 0055). Both are decided before anything reads a byte of the body:
 *
 * - The limit of the route the request was routed to: its `x-max-body-bytes` in the OpenAPI
 *   document (64 MiB for `/api/v1/import`), else 1 MiB. A Content-Length above it is refused at
 *   once (413); a body without one (chunked) is counted as it streams, and the read that passes
 *   the limit fails, which `onError` answers as 413 whoever was reading.
 * - A budget of body bytes in flight, per process (a Worker isolate is a process here): each
 *   request reserves its Content-Length, or its route's whole limit when it sends none, for as
 *   long as it runs. A request that would pass the budget is refused with 429 and Retry-After
 *   instead of being read, so many large bodies at once cannot exhaust the memory.
 *
 * `readBodyHashed` is how anything before the handler (the idempotency middleware) reads the body:
 * chunk by chunk into an incremental SHA-256, never a per-byte array, and then hands the same
 * chunks on to the handler.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';
import type { AppEnv } from './http.js';
import { toHex } from './ids.js';
import { sha256Stream } from './sha256.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;

/** The body limit of a route that declares none (API.md: 1 MiB for JSON). */
export const DEFAULT_BODY_LIMIT = 1 * MiB;

/** What the limit middleware leaves on the context: the limit, and whether a streamed body passed it. */
export interface BodyState {
  limit: number;
  overflowed: boolean;
}

/** 413, naming the limit. */
export function bodyTooLarge(limit: number): ApiError {
  return new ApiError(413, 'too_large', `The request body is larger than this route accepts (${describeBytes(limit)}).`);
}

export function describeBytes(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n} bytes`;
}

/**
 * Bytes of request bodies admitted and not yet finished. A request that would pass the capacity
 * is refused, except when nothing else is in flight (a single body up to its route's limit is
 * always admitted, so a limit above the capacity still works, one request at a time).
 */
export class BodyBudget {
  #used = 0;
  constructor(readonly capacity: number) {}

  get used(): number {
    return this.#used;
  }

  take(bytes: number): boolean {
    if (this.#used > 0 && this.#used + bytes > this.capacity) return false;
    this.#used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.#used -= bytes;
  }
}

/** Seconds a client refused by the budget is told to wait. */
const RETRY_AFTER_SECONDS = 2;

const noBody = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

/**
 * The limit and the budget, for every request; first in the chain, so nothing before it reads.
 * `limitOf` is the route's limit (from its contract); `budget` is shared by the whole app.
 */
export function bodyLimits(opts: { limitOf: (c: Context<AppEnv>) => number; budget: BodyBudget }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (noBody(c.req.method)) return next();
    const limit = opts.limitOf(c);
    const lengthHeader = c.req.header('content-length');
    const streamed = lengthHeader === undefined || c.req.header('transfer-encoding') !== undefined;
    let reserve: number;
    if (!streamed) {
      if (!/^\d{1,15}$/.test(lengthHeader!)) {
        throw new ApiError(400, 'validation_failed', 'Content-Length is not a number of bytes.', [{ path: 'Content-Length', message: 'expected digits' }]);
      }
      reserve = Number(lengthHeader);
      if (reserve > limit) throw bodyTooLarge(limit);
      if (reserve === 0) return next();
    } else {
      // Only now look at the stream (on @hono/node-server this builds the whole WHATWG Request).
      if (!c.req.raw.body) return next();
      reserve = limit;
    }
    if (!opts.budget.take(reserve)) {
      throw new ApiError(429, 'busy', `Too many large request bodies are being received at once; retry in ${RETRY_AFTER_SECONDS} s.`, undefined, {
        'retry-after': String(RETRY_AFTER_SECONDS),
      });
    }
    try {
      if (streamed) {
        const state: BodyState = { limit, overflowed: false };
        c.set('body', state);
        let seen = 0;
        const counted = c.req.raw.body!.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              seen += chunk.byteLength;
              if (seen > limit) {
                state.overflowed = true;
                controller.error(bodyTooLarge(limit));
              } else controller.enqueue(chunk);
            },
          }),
        );
        c.req.raw = new Request(c.req.raw, { body: counted, duplex: 'half' } as RequestInit);
      }
      await next();
    } finally {
      opts.budget.give(reserve);
    }
  };
}

const utf8 = new TextEncoder();

/**
 * SHA-256 (hex) of `prefix` followed by the request body, read chunk by chunk (the body is
 * already limited by `bodyLimits`); the handler then reads the very same chunks. A read that
 * passes the limit throws the 413.
 */
export async function readBodyHashed(c: Context, prefix: string): Promise<string> {
  const hash = sha256Stream();
  hash.update(utf8.encode(prefix));
  const raw = c.req.raw;
  if (!raw.body) return toHex(hash.digest());
  const chunks: Uint8Array[] = [];
  const reader = raw.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
    chunks.push(value);
  }
  const replay = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  c.req.raw = new Request(raw, { body: replay, duplex: 'half' } as RequestInit);
  return toHex(hash.digest());
}
