/**
 * A small RFC 4180 reader for imports. It keeps the physical line on which each record starts,
 * because HR fixes a bad row by opening the file at that line: a quoted cell may span lines, so
 * the record index alone would point at the wrong place.
 *
 * Accepted: UTF-8 with or without a BOM, CRLF, LF or lone CR line ends, `"` quoting with `""`
 * for a quote inside a quoted cell, commas and line breaks inside quotes. Blank lines (no
 * characters at all) between records are skipped, so a trailing newline or an Excel footer of
 * empty lines is harmless.
 */

export interface CsvRecord {
  /** 1-based physical line on which the record starts (the header is usually line 1). */
  line: number;
  cells: string[];
}

export interface CsvError {
  line: number;
  message: string;
}

export interface CsvParseResult {
  records: CsvRecord[];
  errors: CsvError[];
}

export function parseCsv(input: string): CsvParseResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  const errors: CsvError[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;

  while (i < n) {
    // Skip blank lines between records.
    const c0 = text[i];
    if (c0 === '\n') {
      i++;
      line++;
      continue;
    }
    if (c0 === '\r') {
      i += text[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }

    const start = line;
    const cells: string[] = [];
    let bad: string | null = null;
    // One record: cells separated by commas until an unquoted line end or the end of the text.
    for (;;) {
      let cell = '';
      if (text[i] === '"') {
        i++;
        let closed = false;
        while (i < n) {
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (ch === '\r') {
            // A line break inside quotes is data; normalise it to \n and count the line.
            cell += '\n';
            i += text[i + 1] === '\n' ? 2 : 1;
            line++;
            continue;
          }
          if (ch === '\n') line++;
          cell += ch;
          i++;
        }
        if (!closed) {
          bad ??= 'a quoted cell is not closed before the end of the file';
        } else if (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
          bad ??= 'text after the closing quote of a cell (a quote inside a quoted cell is written "")';
          // Resynchronise at the next separator so later cells still line up.
          while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') cell += text[i++];
        }
      } else {
        const from = i;
        while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') i++;
        cell = text.slice(from, i);
        if (cell.includes('"')) bad ??= 'a quote inside an unquoted cell (quote the whole cell and write "" for the quote)';
      }
      cells.push(cell);
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    // Consume the record's line end.
    if (text[i] === '\r') {
      i += text[i + 1] === '\n' ? 2 : 1;
      line++;
    } else if (text[i] === '\n') {
      i++;
      line++;
    }
    if (bad) errors.push({ line: start, message: bad });
    records.push({ line: start, cells });
  }
  return { records, errors };
}
