/**
 * The layering rules of the code, checked from its imports (docs/adr/0040-core-is-a-floor.md):
 *
 * - the folder graph is acyclic: `src/` top-level files (the app and its entries) are one node,
 *   each folder under `src/` is one (its subfolders included), and `db/` and `scoring/` are one each;
 * - `src/core/` imports no other folder, except the types of `db/` (the handle and the role
 *   enum that `Ctx` carries); `db/` and `scoring/` import nothing outside themselves;
 * - no folder under `src/` imports the app or an entry (`src/*.ts`);
 * - a domain file (not a page, route or message catalogue) imports no page and no route.
 *
 * `npm run lint:layers` prints what breaks them (exit 1); test/structure/layers.test.ts runs the
 * same check in the suite.
 */
import ts from 'typescript';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface ImportEdge {
  /** Repository-relative paths with `/`. */
  from: string;
  to: string;
  /** `import type`, `export type`, or only `type` specifiers: erased when compiled. */
  typeOnly: boolean;
}

export const ROOTS = ['src', 'db', 'scoring'];

function sourceFiles(root: string, dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs).flatMap((name) => {
    const rel = posix.join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(root, rel);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [rel] : [];
  });
}

function resolveSpecifier(root: string, from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null; // a package
  const base = posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.(js|ts|tsx|mjs)$/, '');
  for (const candidate of [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`]) if (existsSync(join(root, candidate))) return candidate;
  return null;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

/** Every relative import (static, re-export, dynamic `import()`, `import('x').T`) of the files under `roots`. */
export function collectImports(root: string, roots: readonly string[] = ROOTS): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of roots.flatMap((r) => sourceFiles(root, r))) {
    const text = readFileSync(join(root, file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const add = (spec: ts.Node | undefined, typeOnly: boolean) => {
      if (!spec || !ts.isStringLiteralLike(spec)) return;
      const to = resolveSpecifier(root, file, spec.text);
      if (to) edges.push({ from: file, to, typeOnly });
    };
    const visit = (node: ts.Node) => {
      if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, isTypeOnlyImport(node));
      else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly);
      else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false);
      else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal, true);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return edges;
}

/** The node of a file in the folder graph: `src` (the app and its entries), `src/<folder>`, `db`, `scoring`. */
export function folderOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'src') return parts.length > 2 ? `src/${parts[1]}` : 'src';
  return parts[0]!;
}

/** Pages: the page shell (`src/pages/`), any `.tsx`, and `pages*` files or folders of a domain. */
export const isPageFile = (file: string) => file.startsWith('src/pages/') || file.endsWith('.tsx') || /\/pages(\/|[-.])/.test(file);
const isRoutesFile = (file: string) => /(^|[/-])routes\.ts$/.test(file);
const isCatalogue = (file: string) => file.endsWith('/messages.ts');
/** The HTTP and page side of a domain (pages, routes, the pages' catalogue): may import everything below it. */
export const isFrontFile = (file: string) => isPageFile(file) || isRoutesFile(file) || isCatalogue(file);

/** The strongly connected components of more than one folder (Tarjan), each sorted. */
export function folderCycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string) => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!order.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) === order.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!order.has(v)) strong(v);
  return out;
}

/** What breaks the layering rules, one line each; empty when the code keeps them. */
export function checkLayers(edges: readonly ImportEdge[]): string[] {
  const problems: string[] = [];
  const graph = new Map<string, Set<string>>();
  const example = new Map<string, ImportEdge>();
  for (const e of edges) {
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
    if (!example.has(`${a} ${b}`)) example.set(`${a} ${b}`, e);
  }
  for (const scc of folderCycles(graph)) {
    const inside = new Set(scc);
    const via = [...example.entries()]
      .filter(([k]) => {
        const [a, b] = k.split(' ');
        return inside.has(a!) && inside.has(b!);
      })
      .map(([, e]) => `${e.from} -> ${e.to}`);
    problems.push(`folder cycle: ${scc.join(', ')} (${via.join('; ')})`);
  }
  for (const e of edges) {
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    const at = `${e.from} imports ${e.to}`;
    if (a.startsWith('src/') && !isFrontFile(e.from) && (isPageFile(e.to) || isRoutesFile(e.to))) problems.push(`a domain imports no page or route: ${at}`);
    if (a === b) continue;
    if (a === 'src/core' && !(b === 'db' && e.typeOnly)) problems.push(`core imports no domain (only types of db/): ${at}`);
    if (a === 'scoring') problems.push(`scoring is pure and imports nothing of the service: ${at}`);
    if (a === 'db') problems.push(`db imports nothing of the service: ${at}`);
    if (a.startsWith('src/') && b === 'src') problems.push(`nothing under src/ imports the app or an entry: ${at}`);
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = checkLayers(collectImports(process.argv[2] ?? process.cwd()));
  for (const p of problems) console.error(p);
  console.log(problems.length ? `${problems.length} layering problem(s).` : 'Layers: no folder cycle; core, db and scoring are floors; no domain imports a page or the app.');
  process.exit(problems.length ? 1 : 0);
}
