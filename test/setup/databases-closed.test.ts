/**
 * The guard in test/setup/databases-closed.ts must be able to fail: run it over three fixture files
 * (one keeps a database open, one leaves an unclosed one to the garbage collector, one opens its
 * databases through test/support) and check that exactly the two leaking files fail, each for its
 * own reason.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface FileResult {
  name: string;
  status: string;
  message: string;
}

describe('the open-database guard', () => {
  it('fails a file that leaves a database open or to the collector, and passes one that uses test/support', { timeout: 120_000 }, () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tgo-guard-')), 'results.json');
    const root = join(import.meta.dirname, '..', '..');
    const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/setup/fixtures/vitest.fixtures.config.ts', '--reporter=json', `--outputFile=${out}`], {
      cwd: root,
      encoding: 'utf8',
      timeout: 110_000,
    });
    expect(run.status, run.stderr).toBe(1);
    const results = (JSON.parse(readFileSync(out, 'utf8')) as { testResults: FileResult[] }).testResults;
    const byFile = Object.fromEntries(results.map((r) => [r.name.split('/').pop(), r]));
    expect(Object.keys(byFile).sort()).toEqual(['closes.fixture.ts', 'leaks-open.fixture.ts', 'leaks-to-gc.fixture.ts']);

    expect(byFile['closes.fixture.ts']!.status).toBe('passed');
    expect(byFile['leaks-open.fixture.ts']!.status).toBe('failed');
    expect(byFile['leaks-open.fixture.ts']!.message).toMatch(/left 3 database file\(s\) open[^]*open\.db/);
    expect(byFile['leaks-to-gc.fixture.ts']!.status).toBe('failed');
    expect(byFile['leaks-to-gc.fixture.ts']!.message).toMatch(/on garbage collection/);
  });
});
