/**
 * The complaint analysis as a CSV file that opens correctly in Excel: UTF-8 with a BOM, CRLF,
 * RFC 4180 quoting, and cells a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
 * `@`, tab or CR) prefixed with `'` (API.md, the payroll export's rule). A small writer of its
 * own until the project has one CSV writer for every export (issue 11).
 */
export type CsvCell = string | number | null | undefined;

function cell(v: CsvCell): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The whole file: BOM, one CRLF-terminated line per row. */
export function csvDocument(rows: readonly (readonly CsvCell[])[]): string {
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
