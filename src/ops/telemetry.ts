/**
 * What the service says about itself: one JSON line per request and per job run (pino: its Node
 * destination on Node, its browser build writing through console.log on Workers, where Workers
 * Logs collect it), and, on Node, the same records counted for GET /metrics (src/ops/metrics.ts).
 *
 * The records are built from an allow-list of fields (time, request id, method, route pattern,
 * status, duration, actor id and role; a job's name, outcome, duration and figures), never from a
 * request's path, query, headers or body: that is what keeps tokens, names, complaint text and
 * taxpayer data out of the logs (docs/adr/0038-structured-logs.md).
 */
import pino from 'pino';

export type Logger = Pick<pino.Logger, 'info' | 'warn' | 'error'>;

/** One request, as logged and counted. */
export interface RequestRecord {
  reqId: string;
  method: string;
  /** The route pattern that answered (`/f/:token`, `/api/v1/flags/:id`), never the path. */
  route: string;
  status: number;
  durationMs: number;
  /** `anonymous`: no token and no session (a taxpayer's form, a public page). */
  actorKind: 'user' | 'taxpayer' | 'system' | 'anonymous';
  userId?: string;
  role?: string;
  /** The error's class or problem code when the request failed. */
  error?: string;
}

/** One run of a periodic job (scan, checkpoint, witness, backup). */
export interface JobRecord {
  job: string;
  outcome: 'ok' | 'failed';
  durationMs: number;
  /** The job's own figures (flags raised, checkpoint size, backup bytes...): numbers and codes. */
  figures: Record<string, unknown>;
  error?: string;
}

/** The metrics side (Node: prom-client); absent on Workers, where each isolate counts alone. */
export interface Metrics {
  request(r: RequestRecord): void;
  job(r: JobRecord): void;
  /** The Prometheus text exposition of everything, gathered now. */
  render(): Promise<string>;
  contentType: string;
}

export interface Telemetry {
  log: Logger;
  metrics?: Metrics;
}

/** JSON lines: on Node to stdout, on Workers through console.log. Times are ISO 8601 UTC. */
export function createLogger(opts: { level?: string; destination?: pino.DestinationStream } = {}): pino.Logger {
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    browser: { asObject: true, write: (o: object) => console.log(JSON.stringify(o)) },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** For tests and tools that build the app without wanting its lines. */
export const quietTelemetry: Telemetry = { log: pino({ level: 'silent', browser: { write: () => {} } }) };

/**
 * Runs one job, timing it; logs one line with its outcome and figures and counts it. Never
 * throws: a failed job is logged (with its error message) and returns null, so the other jobs
 * of a scheduled run still run.
 */
export async function runJob<T>(
  t: Telemetry,
  job: string,
  fn: () => Promise<T>,
  figures: (value: T) => Record<string, unknown> = () => ({}),
): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  const started = performance.now();
  try {
    const value = await fn();
    const record: JobRecord = { job, outcome: 'ok', durationMs: elapsed(started), figures: figures(value) };
    t.log.info({ job, outcome: record.outcome, durationMs: record.durationMs, ...record.figures }, 'job');
    t.metrics?.job(record);
    return { ok: true, value };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    const record: JobRecord = { job, outcome: 'failed', durationMs: elapsed(started), figures: {}, error };
    t.log.error({ job, outcome: record.outcome, durationMs: record.durationMs, error }, 'job');
    t.metrics?.job(record);
    return { ok: false, error };
  }
}

export function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
