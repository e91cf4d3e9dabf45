/**
 * The one pagination of every list: `?limit=` and an opaque `cursor`, keyset style. A list is
 * ordered by one key (a code, an id) or by a time with the id breaking ties; the cursor is the
 * last row's key, base64url, so the next page is one indexed range scan however deep the caller
 * has paged, and no row is skipped or repeated between pages.
 */
import { z } from '@hono/zod-openapi';
import { and, eq, gt, lt, or, type AnyColumn, type SQL } from 'drizzle-orm';
import { ApiError } from './errors.js';

function encodeCursor(value: string): string {
  return btoa(unescape(encodeURIComponent(value))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const invalidCursor = () =>
  new ApiError(400, 'validation_failed', 'The cursor is not one this service issued.', [{ path: 'cursor', message: 'invalid cursor' }]);

function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  try {
    return decodeURIComponent(escape(atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))));
  } catch {
    throw invalidCursor();
  }
}

export interface Keyset<Row> {
  /** The rows after the cursor, for the list's `where`; undefined without a cursor; 400 for a cursor this service did not issue. */
  after(cursor: string | undefined): SQL | undefined;
  /** Cuts the `limit + 1` rows a query fetched to one page; the extra row only says there is more. */
  page<T extends Row>(rows: T[], limit: number): { items: T[]; nextCursor: string | null };
}

/**
 * The keyset of a list ordered by `columns`, all ascending or all descending: one key
 * (`[units.code]`) or a time and the id that breaks its ties (`[flags.raisedAt, flags.id]`).
 * `key` reads the same values from a row. A two-part cursor is `time|id`, split at the last `|`
 * because ids never contain one.
 */
export function keyset<Row>(order: 'asc' | 'desc', columns: [AnyColumn] | [AnyColumn, AnyColumn], key: (row: Row) => [string] | [string, string]): Keyset<Row> {
  const beyond = order === 'asc' ? gt : lt;
  return {
    after(cursor) {
      const raw = decodeCursor(cursor);
      if (!raw) return undefined;
      const [first, second] = columns;
      if (!second) return beyond(first, raw);
      const sep = raw.lastIndexOf('|');
      if (sep < 0) throw invalidCursor();
      const time = raw.slice(0, sep);
      // `time beyond t, or the same time and id beyond i`
      return or(beyond(first, time), and(eq(first, time), beyond(second, raw.slice(sep + 1))));
    },
    page(rows, limit) {
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      if (rows.length <= limit || !last) return { items, nextCursor: null };
      return { items, nextCursor: encodeCursor(key(last).join('|')) };
    },
  };
}

/** The response shape of a page of `item`s. */
export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
