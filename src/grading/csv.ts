/**
 * The payroll CSV files (the run's export, its corrections, the annual export): UTF-8 with a BOM
 * and CRLF so that Excel opens Chinese names correctly (ADR 0020), RFC 4180 quoting, and text
 * that a spreadsheet would run as a formula made inert.
 */

/** A CSV field: quoted when it holds a comma, quote, CR or LF (RFC 4180), quotes doubled. */
export function csvField(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const plainNumber = /^-?\d+(\.\d+)?$/;

/**
 * One cell (API.md, export): text starting with `=`, `+`, `-`, `@`, a tab or CR, which a
 * spreadsheet would read as a formula, gets a leading `'`; a plain number (`-12.50`) is a number,
 * never a formula, and stays as it is.
 */
export function csvCell(v: string | number | null | undefined): string {
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) && !plainNumber.test(v)) return csvField(`'${v}`);
  return csvField(v);
}

export const csvLine = (cells: readonly (string | number | null | undefined)[]) => cells.map(csvCell).join(',');

/** The file: BOM, header line, lines, each ended by CRLF. */
export const csvBody = (header: readonly string[], lines: readonly string[]) => `\uFEFF${[csvLine(header), ...lines].join('\r\n')}\r\n`;
