/** Helpers of the operations tests: the tools run as the operator runs them, in their own process. */
import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';

/** The `file:` URL of a test database. */
export async function fileUrlOf(db: Db): Promise<string> {
  const rows = await db.all<{ file: string }>(sql`select file from pragma_database_list where name = 'main'`);
  return `file:${rows[0]!.file}`;
}

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `scripts/<script>` under tsx, as `npm run <name> -- args` does, without blocking the event loop. */
export function runTool(script: string, args: string[], env: Record<string, string | undefined>): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}`, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
