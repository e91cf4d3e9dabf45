/**
 * A minimal Hrana v2 (JSON over HTTP) server on a local SQLite file, standing in for Turso so
 * the Worker's `DATABASE_URL` path (`@libsql/client/web`) runs for real in the Workers suite.
 * It speaks only what the libsql client uses: `POST /v2/pipeline` with execute, batch (with step
 * conditions), store_sql / close_sql (per stream, by baton), sequence, get_autocommit and close; `GET /v3-protobuf` answers 404 so the client
 * falls back to v2. One connection, requests handled synchronously: one writer at a time, as on
 * a real server. Test support only; it listens on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'libsql';

type Value = { type: 'null' } | { type: 'integer'; value: string } | { type: 'float'; value: number } | { type: 'text'; value: string } | { type: 'blob'; base64: string };
interface Stmt {
  sql?: string;
  sql_id?: number;
  args?: Value[];
  named_args?: { name: string; value: Value }[];
  want_rows?: boolean;
}
type Cond = { type: 'ok' | 'error'; step: number } | { type: 'not'; cond: Cond } | { type: 'and' | 'or'; conds: Cond[] } | { type: 'is_autocommit' };

export interface HranaServer {
  url: string;
  /** Pipeline requests served, and the Authorization headers they carried. */
  seen: { requests: number; authorization: Set<string> };
  close(): Promise<void>;
}

export async function startHranaServer(path: string): Promise<HranaServer> {
  const db = new Database(path);
  db.exec('PRAGMA foreign_keys = ON');
  const seen = { requests: 0, authorization: new Set<string>() };

  const decode = (v: Value): unknown => {
    switch (v.type) {
      case 'null':
        return null;
      case 'integer':
        return BigInt(v.value);
      case 'float':
        return v.value;
      case 'text':
        return v.value;
      case 'blob':
        return Buffer.from(v.base64, 'base64');
    }
  };
  const encode = (x: unknown): Value => {
    if (x === null || x === undefined) return { type: 'null' };
    if (typeof x === 'bigint') return { type: 'integer', value: x.toString() };
    if (typeof x === 'number') return Number.isInteger(x) ? { type: 'integer', value: String(x) } : { type: 'float', value: x };
    if (typeof x === 'string') return { type: 'text', value: x };
    if (x instanceof Uint8Array) return { type: 'blob', base64: Buffer.from(x).toString('base64') };
    return { type: 'text', value: String(x) };
  };

  // Each stream (baton) keeps the SQL texts the client stored with store_sql.
  const streams = new Map<string, Map<number, string>>();
  let nextStream = 0;
  let stored = new Map<number, string>();

  const execute = (s: Stmt) => {
    const text = s.sql ?? stored.get(s.sql_id!);
    if (text === undefined) throw Object.assign(new Error(`no stored SQL ${s.sql_id}`), { code: 'SQL_NOT_FOUND' });
    const stmt = db.prepare(text);
    stmt.safeIntegers(true);
    const args: unknown[] = (s.args ?? []).map(decode);
    const named = s.named_args?.length ? Object.fromEntries(s.named_args.map((a) => [a.name.replace(/^[:@$]/, ''), decode(a.value)])) : null;
    // Always one argument: libsql reads a lone null, string or number argument as named parameters.
    const bind = named ?? args;
    if (stmt.reader) {
      stmt.raw(true);
      const rows = stmt.all(bind) as unknown[][];
      const cols = (stmt.columns() as { name: string; type: string | null }[]).map((c) => ({ name: c.name, decltype: c.type ?? null }));
      return { cols, rows: rows.map((r) => r.map(encode)), affected_row_count: 0, last_insert_rowid: null };
    }
    const info = stmt.run(bind) as { changes: number; lastInsertRowid: number | bigint };
    return { cols: [], rows: [], affected_row_count: Number(info.changes), last_insert_rowid: String(info.lastInsertRowid) };
  };
  const errorOf = (err: unknown) => ({ message: err instanceof Error ? err.message : String(err), code: (err as { code?: string }).code ?? 'SQLITE_ERROR' });

  const batch = (steps: { stmt: Stmt; condition?: Cond }[]) => {
    const results: unknown[] = [];
    const errors: unknown[] = [];
    const holds = (c: Cond): boolean => {
      switch (c.type) {
        case 'ok':
          return results[c.step] !== null && results[c.step] !== undefined;
        case 'error':
          return errors[c.step] !== null && errors[c.step] !== undefined;
        case 'not':
          return !holds(c.cond);
        case 'and':
          return c.conds.every(holds);
        case 'or':
          return c.conds.some(holds);
        case 'is_autocommit':
          return !db.inTransaction;
      }
    };
    steps.forEach((step, i) => {
      results[i] = null;
      errors[i] = null;
      if (step.condition && !holds(step.condition)) return;
      try {
        results[i] = execute(step.stmt);
      } catch (err) {
        errors[i] = errorOf(err);
      }
    });
    return { step_results: results, step_errors: errors };
  };

  const handle = (req: { type: string; stmt?: Stmt; batch?: { steps: { stmt: Stmt; condition?: Cond }[] }; sql?: string; sql_id?: number }) => {
    try {
      switch (req.type) {
        case 'execute':
          return { type: 'ok', response: { type: 'execute', result: execute(req.stmt!) } };
        case 'batch':
          return { type: 'ok', response: { type: 'batch', result: batch(req.batch!.steps) } };
        case 'sequence':
          db.exec(req.sql ?? stored.get(req.sql_id!)!);
          return { type: 'ok', response: { type: 'sequence' } };
        case 'store_sql':
          stored.set(req.sql_id!, req.sql!);
          return { type: 'ok', response: { type: 'store_sql' } };
        case 'close_sql':
          stored.delete(req.sql_id!);
          return { type: 'ok', response: { type: 'close_sql' } };
        case 'get_autocommit':
          return { type: 'ok', response: { type: 'get_autocommit', is_autocommit: !db.inTransaction } };
        case 'close':
          return { type: 'ok', response: { type: 'close' } };
        default:
          return { type: 'error', error: { message: `unsupported request ${req.type}`, code: 'UNSUPPORTED' } };
      }
    } catch (err) {
      return { type: 'error', error: errorOf(err) };
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v2/pipeline') {
        seen.requests++;
        seen.authorization.add(req.headers.authorization ?? '');
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { baton?: string | null; requests: Parameters<typeof handle>[0][] };
        const baton = body.baton ?? `s${nextStream++}`;
        stored = streams.get(baton) ?? new Map();
        const results = body.requests.map(handle);
        const closed = body.requests.some((r) => r.type === 'close');
        if (closed) streams.delete(baton);
        else streams.set(baton, stored);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ baton: closed ? null : baton, base_url: null, results }));
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          db.close();
          resolve();
        });
      }),
  };
}
