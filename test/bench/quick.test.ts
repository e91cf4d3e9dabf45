/**
 * CI runs the benchmark harness at quick size, so it never rots: every scenario must be present
 * in both result files, and a scenario is either measured or honestly "not built".
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { carryOver, scenarioKeys, scenarioOf } from '../../bench/results.js';

const scenarios = [
  /^form submissions over HTTP .*: throughput$/,
  /^grading run for \d{4}Q[1-4]: wall time$/,
  /^grading run for \d{4}Q[1-4]: peak RSS$/,
  /^grading run for \d{4}Q[1-4] on local D1 \(workerd\): wall time$/,
  /^grading run for \d{4}Q[1-4] on local D1 \(workerd\): most D1 statements in one invocation$/,
  /^annual review of \d{4} \(four runs\): wall time$/,
  /^full flag scan: wall time$/,
  /^full flag scan: peak RSS$/,
  /^audit verification of [\d,]+ entries$/,
  /^inclusion proof at [\d,]+ entries, median$/,
  /^CSV import of [\d,]+ taxpayer rows$/,
  /^bare GET hello-world \(reference\)$/,
];

describe('npm run bench -- --quick', () => {
  it('writes results.md and results.json with every scenario', { timeout: 420_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), 'tgo-bench-quick-'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], {
      cwd: join(import.meta.dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 400_000,
    });
    expect(run.status, run.stderr + run.stdout).toBe(0);

    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(json.machine.cores).toBeGreaterThan(0);
    expect(json.machine.node).toMatch(/^v\d+/);
    expect(Number.isNaN(Date.parse(json.date))).toBe(false);
    const names: string[] = json.scenarios.map((s: { name: string }) => s.name);
    for (const re of scenarios) expect(names.some((n) => re.test(n)), `${re} in ${names.join(' | ')}`).toBe(true);
    for (const s of json.scenarios) {
      expect(Object.keys(s).sort()).toEqual(['baseline', 'name', 'ours', 'pass', 'ratio', 'target', 'unit']);
      // Never a pass for something that was not measured.
      if (s.ours === 'not built' || s.ours === null) expect(s.pass).not.toBe(true);
      // Every baseline is measured in the same run, whatever has landed.
      if (!/inclusion proof|hello-world|every 200/.test(s.name)) expect(typeof s.baseline).toBe('number');
    }
    // The harness checks its own HTTP scenario: every accepted submission is stored.
    const stored = json.scenarios.find((s: { name: string }) => /every 200 is in the database/.test(s.name));
    if (stored && stored.ours !== 'not built') expect(stored.pass).toBe(true);

    const md = readFileSync(join(out, 'results.md'), 'utf8');
    expect(md).toContain('| metric | ours | baseline | unit | ratio | target | pass |');
    for (const n of names) expect(md).toContain(`| ${n} |`);
    // A --only run keeps the rows of the scenarios it does not run: every row must belong to one
    // (the D1 and annual rows once did not, and a --only run dropped them).
    for (const n of names) expect(scenarioKeys, n).toContain(scenarioOf(n));
    for (const n of names.filter((n) => / on local D1 /.test(n))) expect(scenarioOf(n), n).toBe('d1');
    for (const n of names.filter((n) => /^annual review/.test(n))) expect(scenarioOf(n), n).toBe('annual');
    const carried = carryOver(out, scenarioKeys);
    expect([...carried!.rows.values()].flat().map((r) => r.name).sort()).toEqual([...names].sort());
    rmSync(out, { recursive: true, force: true });
  });
});
