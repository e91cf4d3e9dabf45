// Copies the files of npm packages the pages serve (the /docs UI) into dist/assets, the
// directory wrangler uploads as static assets (`[assets]` in wrangler.toml). The Node entry
// serves the same files straight from node_modules.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const files = { 'swagger-ui-dist': ['swagger-ui.css', 'swagger-ui-bundle.js'] };

for (const [pkg, names] of Object.entries(files)) {
  const from = dirname(require.resolve(`${pkg}/package.json`));
  const to = join(root, 'dist/assets', pkg);
  mkdirSync(to, { recursive: true });
  for (const name of names) copyFileSync(join(from, name), join(to, name));
}
console.log('assets copied to dist/assets');
