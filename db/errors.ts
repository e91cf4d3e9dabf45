/**
 * The one reading of SQLite failures, whichever driver threw them. libsql throws a LibsqlError
 * (`code: 'SQLITE_CONSTRAINT'`, message `SQLITE_CONSTRAINT: SQLite error: UNIQUE constraint
 * failed: t.c`), D1 an Error whose message carries SQLite's own text, and drizzle wraps either in
 * a DrizzleQueryError whose `cause` is the driver's error; so the code and message of every error
 * in the cause chain are read.
 */

/** `code message` of each error in the cause chain (a few levels: drivers wrap at most twice). */
function texts(err: unknown): string[] {
  const out: string[] = [];
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    out.push(`${(e as { code?: unknown }).code ?? ''} ${(e as { message?: unknown }).message ?? (typeof e === 'string' ? e : '')}`);
  }
  return out;
}

/**
 * A UNIQUE (or PRIMARY KEY) constraint refused the write; with `column`, only when that column
 * is one the constraint names: `table.column`, or a bare `column` of any table.
 */
export function isUniqueViolation(err: unknown, column?: string): boolean {
  return texts(err).some((t) => {
    const m = /UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)/i.exec(t);
    if (!m) return false;
    if (!column) return true;
    return m[1]!.split(', ').some((c) => c === column || c.endsWith(`.${column}`));
  });
}

/**
 * Any constraint refused the write (NOT NULL, UNIQUE, CHECK, FOREIGN KEY): a guard inside the
 * batch that did not hold, or a race lost to another writer.
 */
export function isConstraintViolation(err: unknown): boolean {
  return texts(err).some((t) => /SQLITE_CONSTRAINT|constraint failed/i.test(t));
}

/** The database was busy: a write lock not granted in time, or a read snapshot overtaken by another writer. */
export function isBusy(err: unknown): boolean {
  return texts(err).some((t) => /SQLITE_BUSY|database is locked/i.test(t));
}
