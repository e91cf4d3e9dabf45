/** Runs the real Node entry (`npm start`: src/node.ts) in a process of its own and keeps its output. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface RunningServer {
  base: string;
  /** The process id (to read its memory use from /proc). */
  pid: number;
  /** The exit code or signal once it has ended, else null. */
  exited(): string | null;
  /** Every line the process wrote to stdout so far. */
  stdout(): string[];
  stderr(): string;
  /** Waits until a stdout line satisfies `test`. */
  waitFor(test: (line: string) => boolean, what: string, ms?: number): Promise<string>;
  stop(): Promise<void>;
}

export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = 9000 + Math.floor(Math.random() * 900) + (process.pid % 50);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (err += String(d)));
  const lines = () => out.split('\n').filter((l) => l.length > 0);
  const waitFor = async (test: (line: string) => boolean, what: string, ms = 60_000) => {
    const until = Date.now() + ms;
    for (;;) {
      const hit = lines().find(test);
      if (hit) return hit;
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before ${what}:\n${err}`);
      if (Date.now() > until) throw new Error(`no ${what} within ${ms} ms:\n${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await waitFor((l) => l.includes('"listening"'), 'listening line');
  return {
    base: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    exited: () => (child.exitCode !== null ? `exit ${child.exitCode}` : child.signalCode !== null ? `signal ${child.signalCode}` : null),
    stdout: lines,
    stderr: () => err,
    waitFor,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
