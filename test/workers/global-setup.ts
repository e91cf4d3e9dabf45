/**
 * Builds the Worker exactly as `npm run build:worker` does (wrangler's own bundler, same
 * wrangler.toml), into dist/worker-test, once per run of the Workers suite.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

export default function setup() {
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, args, {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
      timeout: 180_000,
    });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
    return `${r.stdout}\n${r.stderr}`;
  };
  run([join(root, 'scripts/build-assets.mjs')]);
  const wrangler = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
  const out = run([wrangler, 'deploy', '--dry-run', '--outdir', 'dist/worker-test']);
  // wrangler only warns when a Node built-in reaches the bundle; here it is an error, because
  // the Worker runs without nodejs_compat and would fail at its first request.
  const nodeOnly = /The package "(node:[^"]+)" wasn't found/.exec(out);
  if (nodeOnly) throw new Error(`The Worker bundle imports ${nodeOnly[1]}; keep Node-only code out of src/worker.ts's imports.\n${out}`);
}
