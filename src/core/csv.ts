/**
 * The one CSV writer of the service. Every CSV the service hands out (the payroll export, and any
 * other export) is written here, because these files are opened in Excel or WPS by people who
 * trust them:
 *
 * - RFC 4180: a cell holding a comma, a quote, CR or LF is quoted, quotes doubled.
 * - Formula injection (OWASP "CSV Injection"): a text cell starting with `=`, `+`, `-`, `@`, tab
 *   or CR would be read by a spreadsheet as a formula (`=HYPERLINK(...)` in an officer's name
 *   becomes a live link in the file HR opens). Such a cell is prefixed with `'`, which the
 *   spreadsheet shows as text and does not display. Numbers are never prefixed: a negative
 *   number is a number (pass a `number`, or `numeral()` for a fixed number of decimals).
 * - The document: UTF-8 with a BOM (so Excel reads Chinese names as UTF-8) and CRLF line ends
 *   (docs/adr/0020-payroll-export-is-csv-with-bom-and-crlf.md).
 *
 * Imports read CSV with src/imports/csv.ts; this is the writing side.
 */

/** A number to be written as a numeral, never prefixed: `numeral(1234.5, 2)` is `1234.50`. */
export class Numeral {
  constructor(readonly text: string) {}
}

/** `n` as a numeral with `digits` decimals (or as JavaScript prints it); null stays an empty cell. */
export function numeral(n: number | null | undefined, digits?: number): Numeral | null {
  if (n === null || n === undefined || !Number.isFinite(n)) return null;
  return new Numeral(digits === undefined ? String(n) : n.toFixed(digits));
}

export type CsvCell = string | number | Numeral | null | undefined;

/** The characters that make a spreadsheet read a text cell as a formula when they come first. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: numbers as numerals; text prefixed with `'` if it starts like a formula, then quoted if needed. */
export function csvCell(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Numeral) return v.text;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const text = FORMULA_START.test(v) ? `'${v}` : v;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, without its line end. */
export function csvLine(cells: readonly CsvCell[]): string {
  return cells.map(csvCell).join(',');
}

/**
 * A whole file: BOM, the header, then one CRLF-terminated line per row. With `title`, a first
 * line of one cell comes before the header (a provisional export says so there, where the reader
 * looks first).
 */
export function csvDocument(header: readonly string[], rows: Iterable<readonly CsvCell[]>, opts: { title?: string } = {}): string {
  const lines = opts.title === undefined ? [csvLine(header)] : [csvLine([opts.title]), csvLine(header)];
  for (const row of rows) lines.push(csvLine(row));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
