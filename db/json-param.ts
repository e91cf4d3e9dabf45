/**
 * The one way a JSON text becomes an SQL parameter that SQLite's JSON functions read
 * (`json_each(?)`, `json_extract(?, ...)`): bulk rows of an import, lists of codes or ids.
 *
 * Why it matters: a JavaScript string may hold a lone surrogate (`"\ud800"` in a JSON body).
 * Bound as a string parameter, the drivers (libsql, D1) write it as U+FFFD. Through JSON it is
 * different: `JSON.stringify` writes it as the escape `\ud800`, and SQLite's JSON functions decode
 * that escape into the bytes ED A0 80, which are not UTF-8; libsql then aborts the whole process
 * whenever the row is read (issue 11; docs/limits.md). Such strings are refused where text enters
 * the service (src/core/text.ts); this is the second line: whatever reaches it, a lone surrogate
 * escape becomes `\ufffd`, exactly what a bound parameter would have stored, so the storage never
 * holds invalid UTF-8 whichever path the SQL takes.
 */

/**
 * A `\udXXX` escape (what `JSON.stringify` writes for a lone surrogate: it writes a well-formed
 * pair as the characters themselves), preceded by an even run of backslashes, so really an escape.
 */
const LONE_SURROGATE_ESCAPE = /(?<=(?:^|[^\\])(?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

/**
 * JSON text of `value` for a JSON-reading SQL parameter: native `JSON.stringify`, with any lone
 * surrogate escape replaced by `\ufffd`.
 */
export function jsonParam(value: unknown): string {
  return jsonParamText(JSON.stringify(value) ?? 'null');
}

/**
 * The same for JSON text already made by `JSON.stringify` (a caller that joins row texts itself,
 * src/imports/write.ts): any lone surrogate escape becomes `\ufffd`.
 */
export function jsonParamText(text: string): string {
  // The fast path: no surrogate escape at all.
  if (!text.includes('\\ud')) return text;
  return text.replace(LONE_SURROGATE_ESCAPE, '\\ufffd');
}
