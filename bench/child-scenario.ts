/**
 * Scenarios 2 and 3 (and the annual review): a job of bench/child.ts and its baseline, each in
 * its own child process, so wall time and peak RSS are the job's alone.
 */
import type { BenchDbInfo } from './generate.js';
import { row, runChild, type ScenarioRow, type Target } from './harness.js';

export async function childResult(job: string, file: string, info: BenchDbInfo, today: string, timeoutSec: number): Promise<Record<string, number | boolean | string>> {
  const c = runChild('child.ts', [job, file, info.gradedPeriod, today, String(info.turnoverThreshold)]);
  // A job that runs past its time is stopped and reported as such, so the run stays bounded.
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    c.kill();
  }, timeoutSec * 1000);
  const lines = await c.done.finally(() => clearTimeout(timer));
  if (timedOut) throw new Error(`${job} did not finish within ${timeoutSec} s (stopped)`);
  const line = lines.find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${job}: no RESULT line`);
  return JSON.parse(line.slice('RESULT '.length));
}

export async function childScenario(
  name: string,
  jobs: [string, string],
  file: string,
  info: BenchDbInfo,
  today: string,
  target: Target,
  judged: boolean,
  timeoutSec: number,
  rounds = 1,
): Promise<ScenarioRow[]> {
  // With several rounds the two sides alternate and each keeps its best time and its highest
  // peak RSS: background load on a shared machine then penalises neither side more.
  type Result = Record<string, number | boolean | string>;
  const best = (a: Result | null, b: Result): Result =>
    a === null ? b : { ...((b.ms as number) < (a.ms as number) ? b : a), maxRssMB: Math.max(a.maxRssMB as number, b.maxRssMB as number) };
  let base: Result | null = null;
  let ours: Result | null = null;
  try {
    for (let r = 0; r < rounds; r++) {
      base = best(base, await childResult(jobs[1], file, info, today, timeoutSec));
      const o = await childResult(jobs[0], file, info, today, timeoutSec);
      ours = o.notBuilt ? o : best(ours, o);
      if (o.notBuilt) break;
    }
  } catch (err) {
    if (!base) throw err;
    const note = `error: ${(err as Error).message.slice(0, 300)}`;
    return [
      { ...row(`${name}: wall time`, 's', null, (base.ms as number) / 1000, target, { judged, note }), pass: false },
      { ...row(`${name}: peak RSS`, 'MB', null, base.maxRssMB as number, { kind: 'info' }, { judged }), pass: false },
    ];
  }
  if (!ours || !base) throw new Error(`${name}: no result`);
  const notBuilt = ours.notBuilt === true;
  const details = Object.entries(ours)
    .filter(([k]) => !['ms', 'maxRssMB', 'notBuilt'].includes(k))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    row(`${name}: wall time`, 's', notBuilt ? null : (ours.ms as number) / 1000, (base.ms as number) / 1000, target, {
      judged,
      notBuilt,
      note: notBuilt ? undefined : `${details}; baseline peak RSS ${(base.maxRssMB as number).toFixed(0)} MB${rounds > 1 ? `; best of ${rounds} alternating rounds` : ''}`,
    }),
    row(`${name}: peak RSS`, 'MB', notBuilt ? null : (ours.maxRssMB as number), base.maxRssMB as number, { kind: 'info' }, { judged, notBuilt }),
  ];
}
