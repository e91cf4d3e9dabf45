/** Starts the test witness (witness-server.ts) in its own process and says where it listens. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RunningWitness {
  url: string;
  verifierKey: string;
  /** `<url> <verifierKey>`, one entry of WITNESSES. */
  entry: string;
  /** The witness's own record of the log: the size and root it last cosigned. */
  state(origin: string): { size: number; root: string } | null;
  stop(): Promise<void>;
}

const script = join(dirname(fileURLToPath(import.meta.url)), 'witness-server.ts');

export async function startWitness(opts: { name: string; logOrigin: string; logPublicKey: Uint8Array; seed?: string }): Promise<RunningWitness> {
  const stateFile = join(mkdtempSync(join(tmpdir(), 'tgo-witness-')), 'state.json');
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: {
      ...process.env,
      WITNESS_NAME: opts.name,
      WITNESS_STATE: stateFile,
      WITNESS_SEED: opts.seed ?? '',
      LOG_ORIGIN: opts.logOrigin,
      LOG_PUBLIC_KEY: Buffer.from(opts.logPublicKey).toString('base64'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the test witness did not start')), 60_000);
    child.stdout.on('data', (d) => {
      out += String(d);
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    child.on('exit', (code) => reject(new Error(`the test witness exited with ${code}`)));
  });
  const { url, verifierKey } = JSON.parse(first) as { url: string; verifierKey: string };
  return {
    url,
    verifierKey,
    entry: `${url} ${verifierKey}`,
    state: (origin) => (existsSync(stateFile) ? ((JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, { size: number; root: string }>)[origin] ?? null) : null),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
