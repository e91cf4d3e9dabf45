/**
 * The result files: results.json (the promised shape) and results.md (the table, with the notes),
 * and the rows a `--only` run carries over from the files it replaces.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { BenchDbInfo } from './generate.js';
import { fmt, int, type ScenarioRow } from './harness.js';

/** The scenarios, by the key `--only` takes, in the order of the result files. */
export const scenarioKeys = ['forms', 'grading', 'annual', 'd1', 'flags', 'audit', 'import'];

/** The scenario of each row name: the first pattern that matches. */
const scenarioPatterns: [RegExp, string][] = [
  [/^form submissions|^bare GET hello/, 'forms'],
  // "grading run for <period> on local D1 ...": before the Node grading run's rows, whose names it extends.
  [/^grading run .* on local D1/, 'd1'],
  [/^grading run/, 'grading'],
  [/^annual review/, 'annual'],
  [/^full flag scan/, 'flags'],
  [/^audit verification|^inclusion proof/, 'audit'],
  [/^CSV import/, 'import'],
];

/** Which scenario a row of the result files belongs to; a `--only` run carries a row over by it. */
export const scenarioOf = (name: string): string | null => scenarioPatterns.find(([pattern]) => pattern.test(name))?.[1] ?? null;

/** The rows (with their notes from results.md) of `keys` in the result files already in `outDir`. */
export function carryOver(outDir: string, keys: string[]): { date: string; rows: Map<string, ScenarioRow[]> } | null {
  const jsonFile = join(outDir, 'results.json');
  if (!existsSync(jsonFile)) return null;
  const old = JSON.parse(readFileSync(jsonFile, 'utf8')) as { date: string; scenarios: (Omit<ScenarioRow, 'ours'> & { ours: number | null | 'not built' })[] };
  const md = existsSync(join(outDir, 'results.md')) ? readFileSync(join(outDir, 'results.md'), 'utf8').split('\n') : [];
  const rows = new Map<string, ScenarioRow[]>();
  for (const s of old.scenarios) {
    const key = scenarioOf(s.name);
    if (!key || !keys.includes(key)) continue;
    const note = md.find((l) => l.startsWith(`- ${s.name}: `))?.slice(`- ${s.name}: `.length);
    const r: ScenarioRow = { ...s, ours: s.ours === 'not built' ? null : s.ours, notBuilt: s.ours === 'not built', note };
    rows.set(key, [...(rows.get(key) ?? []), r]);
  }
  return { date: old.date, rows };
}

export function writeResults(outDir: string, rows: ScenarioRow[], meta: { quick: boolean; info: BenchDbInfo; generated: string; totalSec: number; loadStart: number; scope: string | null }) {
  mkdirSync(outDir, { recursive: true });
  const machine = { cores: availableParallelism(), node: process.version, cpu: cpus()[0]?.model ?? 'unknown' };
  const json = {
    machine: { cores: machine.cores, node: machine.node },
    date: new Date().toISOString(),
    quick: meta.quick,
    scenarios: rows.map((r) => ({
      name: r.name,
      ours: r.notBuilt ? 'not built' : r.ours,
      baseline: r.baseline,
      unit: r.unit,
      ratio: r.ratio,
      target: r.target,
      pass: r.pass,
    })),
  };
  writeFileSync(join(outDir, 'results.json'), JSON.stringify(json, null, 2) + '\n');
  const c = meta.info.counts;
  const lines = [
    `# Benchmark results${meta.quick ? ' (quick run: small data, ratios not judged)' : ''}`,
    '',
    `${json.date} on ${machine.cores} cores (${machine.cpu}), Node ${machine.node}. Total ${meta.totalSec.toFixed(0)} s. ` +
      `Load average at start ${meta.loadStart.toFixed(1)}, at end ${loadavg()[0]!.toFixed(1)} (other work on the machine competes with both sides).`,
    `Data: "${meta.info.size.label}" bureau, seed "${meta.info.seed}", today ${meta.info.today}: ${int(c.officers ?? 0)} officers in ${c.units ?? 0} units, ` +
      `${int(c.taxpayers ?? 0)} taxpayers (${int(c.assignments ?? 0)} assignments), ${int(c.workload ?? 0)} workload rows, ${int(c.assessments ?? 0)} test results, ` +
      `${int(c.feedback_responses ?? 0)} feedback responses, ${int(c.decisions ?? 0)} decisions, ${int(c.audit_entries ?? 0)} audit entries; ${meta.generated}.`,
    ...(meta.scope ? ['', meta.scope] : []),
    '',
    'How to reproduce and what each baseline means: [docs/bench.md](../docs/bench.md).',
    '',
    '| metric | ours | baseline | unit | ratio | target | pass |',
    '|---|---:|---:|---|---:|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.notBuilt ? 'not built' : fmt(r.ours)} | ${fmt(r.baseline)} | ${r.unit} | ${r.ratio === null ? '—' : r.ratio.toFixed(2)} | ${r.target} | ${
          r.notBuilt ? 'not built' : r.pass === null ? '—' : r.pass ? 'pass' : '**FAIL**'
        } |`,
    ),
    '',
    ...rows.filter((r) => r.note).map((r) => `- ${r.name}: ${r.note}`),
    '',
  ];
  writeFileSync(join(outDir, 'results.md'), lines.join('\n'));
}
