import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCsv } from '../../src/imports/csv.js';

describe('parseCsv', () => {
  it('reads LF, CRLF and lone CR line ends, with or without a final line end', () => {
    for (const nl of ['\n', '\r\n', '\r']) {
      for (const end of ['', nl]) {
        const { records, errors } = parseCsv(`a,b${nl}1,2${nl}3,4${end}`);
        expect(errors).toEqual([]);
        expect(records).toEqual([
          { line: 1, cells: ['a', 'b'] },
          { line: 2, cells: ['1', '2'] },
          { line: 3, cells: ['3', '4'] },
        ]);
      }
    }
  });

  it('drops a BOM, keeps empty cells, skips blank lines and counts them', () => {
    const { records } = parseCsv('\uFEFFa,b,c\n\n,,\n"",x,\n');
    expect(records).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 3, cells: ['', '', ''] },
      { line: 4, cells: ['', 'x', ''] },
    ]);
  });

  it('reads quoted commas, doubled quotes and line breaks, numbering records by their first line', () => {
    const { records, errors } = parseCsv('name,note\r\n"张,三","他说""好""\r\n第二行"\r\n李四,ok\r\n');
    expect(errors).toEqual([]);
    expect(records).toEqual([
      { line: 1, cells: ['name', 'note'] },
      { line: 2, cells: ['张,三', '他说"好"\n第二行'] },
      { line: 4, cells: ['李四', 'ok'] },
    ]);
  });

  it('names the line of an unclosed quote, a quote inside an unquoted cell and text after a closing quote', () => {
    expect(parseCsv('a\n"open\n').errors).toEqual([{ line: 2, message: expect.stringMatching(/not closed/) }]);
    expect(parseCsv('a,b\n1,x"y\n').errors).toEqual([{ line: 2, message: expect.stringMatching(/quote inside an unquoted cell/) }]);
    const r = parseCsv('a,b\n"x"y,2\n3,4\n');
    expect(r.errors).toEqual([{ line: 2, message: expect.stringMatching(/after the closing quote/) }]);
    expect(r.records[2]).toEqual({ line: 3, cells: ['3', '4'] });
  });

  it('round-trips any table written with RFC 4180 quoting', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', ',', '"', '\n', '\r\n', '张', 'é') });
    const table = fc.integer({ min: 1, max: 4 }).chain((w) => fc.array(fc.array(cell, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 6 }));
    fc.assert(
      fc.property(table, fc.constantFrom('\n', '\r\n'), (rows, nl) => {
        // A row of one empty cell would be a blank line, which the reader skips; quote it.
        const quote = (c: string) => `"${c.replace(/"/g, '""')}"`;
        const text = rows.map((r) => r.map(quote).join(',')).join(nl) + nl;
        const { records, errors } = parseCsv(text);
        expect(errors).toEqual([]);
        expect(records.map((r) => r.cells)).toEqual(rows.map((r) => r.map((c) => c.replace(/\r\n/g, '\n'))));
      }),
    );
  });
});
