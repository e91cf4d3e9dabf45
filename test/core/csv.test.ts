import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csvCell, csvDocument, numeral } from '../../src/core/csv.js';

describe('the CSV writer (src/core/csv.ts)', () => {
  it('quotes cells per RFC 4180 only when needed', () => {
    expect(csvCell('O001')).toBe('O001');
    expect(csvCell('张三, "小张"')).toBe('"张三, ""小张"""');
    expect(csvCell('a\r\nb')).toBe('"a\r\nb"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(1.3)).toBe('1.3');
  });

  it('prefixes text that a spreadsheet would read as a formula, and never a number', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","x")')).toBe(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('a=1')).toBe('a=1');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(numeral(-5, 2))).toBe('-5.00');
    expect(csvCell(numeral(null, 2))).toBe('');
  });

  it('round-trips any text: a quoted cell unquotes to the (prefixed) input, an unquoted one has no separator', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const f = csvCell(s);
        const shown = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
        if (!f.startsWith('"')) {
          expect(/[",\r\n]/.test(f)).toBe(false);
          expect(f).toBe(shown);
        } else expect(f.slice(1, -1).replace(/""/g, '"')).toBe(shown);
        // Whatever the text, the cell never starts a formula.
        expect(/^"?[=+\-@\t\r]/.test(f)).toBe(false);
      }),
    );
  });

  it('writes a document with a BOM and CRLF line ends', () => {
    expect(csvDocument(['a', 'b'], [[1, '=x'], [null, 'y']])).toBe("\uFEFFa,b\r\n1,'=x\r\n,y\r\n");
  });
});
