/**
 * Files stay under 500 lines (issue 16): a file that long is split by page, stage or verb before
 * it grows further. The schema (the one source of truth, one table after another) and the
 * migrations drizzle-kit generates are the exceptions.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAX_LINES = 500;
const ROOTS = ['src', 'scoring', 'db', 'scripts', 'bench', 'test'];
const EXEMPT = ['db/schema.ts', 'db/migrations/'];
const SOURCE = /\.(ts|tsx|js|mjs|cjs)$/;

const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/** Every source file under the roots (repository-relative, with `/`) and its line count. */
function sourceFiles(root: string, dir: string): { file: string; lines: number }[] {
  let names: string[];
  try {
    names = readdirSync(join(root, dir));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const rel = posix.join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) return name === 'node_modules' || name.startsWith('.') ? [] : sourceFiles(root, rel);
    return SOURCE.test(name) ? [{ file: rel, lines: lineCount(readFileSync(join(root, rel), 'utf8')) }] : [];
  });
}

/** The files over the limit, as `path: N lines`. */
function tooLong(root: string): { seen: number; over: string[] } {
  const files = ROOTS.flatMap((r) => sourceFiles(root, r)).filter((f) => !EXEMPT.some((e) => (e.endsWith('/') ? f.file.startsWith(e) : f.file === e)));
  return { seen: files.length, over: files.filter((f) => f.lines > MAX_LINES).map((f) => `${f.file}: ${f.lines} lines`) };
}

describe(`no source file over ${MAX_LINES} lines`, () => {
  it('holds for the code, the scripts, the bench and the tests', () => {
    const { seen, over } = tooLong(process.cwd());
    // The walk saw the code (several hundred files), so an empty list means something.
    expect(seen).toBeGreaterThan(300);
    expect(over).toEqual([]);
  });

  it(`names a file of ${MAX_LINES + 1} lines in any root, and lets ${MAX_LINES}, the schema and the migrations be`, () => {
    const root = mkdtempSync(join(tmpdir(), 'tgo-file-size-'));
    const put = (file: string, lines: number) => {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), 'export {};\n'.repeat(lines));
    };
    try {
      put('src/grading/long.tsx', MAX_LINES + 1);
      put('test/deep/er/long.test.ts', MAX_LINES + 1);
      put('scripts/long.mjs', MAX_LINES + 1);
      put('bench/fine.ts', MAX_LINES);
      put('db/schema.ts', 2000);
      put('db/migrations/0001_big.ts', 2000);
      put('db/client.ts', MAX_LINES + 1);
      put('docs/long.ts', MAX_LINES + 1); // not a root
      put('src/notes.md', MAX_LINES + 1); // not source
      put('scoring/node_modules/x/index.js', MAX_LINES + 1);
      expect(tooLong(root).over.sort()).toEqual([
        `db/client.ts: ${MAX_LINES + 1} lines`,
        `scripts/long.mjs: ${MAX_LINES + 1} lines`,
        `src/grading/long.tsx: ${MAX_LINES + 1} lines`,
        `test/deep/er/long.test.ts: ${MAX_LINES + 1} lines`,
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
