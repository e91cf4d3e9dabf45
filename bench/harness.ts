/**
 * What every scenario of the bench shares: result rows (ours, the same-run baseline, the ratio and
 * the target), number formatting, the log line and child processes.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export type Target =
  | { kind: 'ratio>='; value: number }
  | { kind: 'ratio<='; value: number }
  | { kind: 'ours<'; value: number }
  | { kind: 'equal' }
  | { kind: 'info' };

export interface ScenarioRow {
  name: string;
  ours: number | null;
  baseline: number | null;
  unit: string;
  ratio: number | null;
  target: string;
  pass: boolean | null;
  /** Not in results.json's promised shape; shown in results.md. */
  note?: string;
  notBuilt?: boolean;
}

function targetText(t: Target): string {
  switch (t.kind) {
    case 'ratio>=':
      return `ratio >= ${t.value}`;
    case 'ratio<=':
      return `ratio <= ${t.value}`;
    case 'ours<':
      return `< ${t.value}`;
    case 'equal':
      return 'all accepted stored';
    case 'info':
      return 'reported';
  }
}

/** A row: `ratio` is ours/baseline; `pass` is null when not built, not judged or report-only. */
export function row(
  name: string,
  unit: string,
  ours: number | null,
  baseline: number | null,
  target: Target,
  opts: { judged: boolean; note?: string; notBuilt?: boolean },
): ScenarioRow {
  const ratio = ours !== null && baseline !== null && baseline !== 0 ? ours / baseline : null;
  let pass: boolean | null = null;
  if (!opts.notBuilt && ours !== null) {
    if (target.kind === 'equal') pass = baseline !== null && ours === baseline;
    else if (opts.judged) {
      if (target.kind === 'ratio>=') pass = ratio !== null && ratio >= target.value;
      else if (target.kind === 'ratio<=') pass = ratio !== null && ratio <= target.value;
      else if (target.kind === 'ours<') pass = ours < target.value;
    }
  }
  return { name, ours, baseline, unit, ratio, target: targetText(target), pass, note: opts.note, notBuilt: opts.notBuilt };
}

export const int = (x: number) => Math.round(x).toLocaleString('en-US');
export const fmt = (x: number | null, digits = 2) =>
  x === null ? '—' : Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : x.toFixed(digits);

export const log = (msg: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** Runs `bench/<script>` under tsx in a child process; resolves with its stdout lines. */
/** `root`: another checkout whose bench/ holds the script (the form scenario's --compare). */
export function runChild(script: string, args: string[], onLine?: (line: string) => void, root?: string): { done: Promise<string[]>; kill: () => void } {
  // Children are killed by their pid only, never by name (other processes share the machine).
  // BENCH_NODE_ARGS adds Node flags to every child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', root ? join(root, 'bench', script) : join(here, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
  const lines: string[] = [];
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      onLine?.(line);
    }
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const done = new Promise<string[]>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      if (code === 0 || signal === 'SIGTERM' || signal === 'SIGKILL') resolve(lines);
      else reject(new Error(`${script} ${args[0] ?? ''} exited with ${code ?? signal}: ${err.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
  const kill = () => {
    child.kill('SIGTERM');
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, 5000).unref();
  };
  return { done, kill };
}
