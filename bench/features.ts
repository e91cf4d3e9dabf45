/**
 * Finds the service verbs the bench and the demo drive, by name, in the domain folder where the
 * team agreed to put them. A verb that is not there (or whose module does not load) is "not
 * built": its scenario says so instead of measuring something else.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));

export interface Found<T> {
  fn: T;
  file: string;
}

/**
 * The first module under src/<domain>/ (recursively) that exports a function `name`. Files are
 * scanned as text first, so only the module that declares the verb is loaded.
 */
export async function findVerb<T = (...args: never[]) => unknown>(domain: string, name: string): Promise<Found<T> | null> {
  const dir = join(srcDir, domain);
  if (!existsSync(dir)) return null;
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) files.push(join(d, e.name));
    }
  };
  walk(dir);
  files.sort();
  const decl = new RegExp(`export\\s+(async\\s+)?function\\s+${name}\\b|export\\s+const\\s+${name}\\b|export\\s*\\{[^}]*\\b${name}\\b`);
  for (const file of files) {
    if (!decl.test(readFileSync(file, 'utf8'))) continue;
    try {
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      if (typeof mod[name] === 'function') return { fn: mod[name] as T, file: file.slice(srcDir.length - 4) };
    } catch (err) {
      console.warn(`bench: ${file} declares ${name} but does not load: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return null;
}
