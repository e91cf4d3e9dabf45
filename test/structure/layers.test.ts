import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLayers, collectImports, folderOf, type ImportEdge } from '../../scripts/layers.js';

const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly });

describe('layers (docs/adr/0040-core-is-a-floor.md)', () => {
  it('the code keeps them: no folder cycle, core/db/scoring are floors, no domain imports a page or the app', () => {
    const edges = collectImports(process.cwd());
    // The walk saw the code: core is imported from every domain.
    expect(edges.filter((e) => folderOf(e.to) === 'src/core').length).toBeGreaterThan(50);
    expect(checkLayers(edges)).toEqual([]);
  });

  it('names a folder cycle with the imports that make it', () => {
    const problems = checkLayers([
      edge('src/core/http.ts', 'src/auth/tokens.ts'),
      edge('src/auth/tokens.ts', 'src/core/errors.ts'),
      edge('src/grading/run.ts', 'src/core/errors.ts'),
    ]);
    expect(problems).toContain('folder cycle: src/auth, src/core (src/core/http.ts -> src/auth/tokens.ts; src/auth/tokens.ts -> src/core/errors.ts)');
    expect(problems).toContain('core imports no domain (only types of db/): src/core/http.ts imports src/auth/tokens.ts');
  });

  it('finds a cycle through several folders, and none in a chain', () => {
    const chain = [edge('src/pages/a.tsx', 'src/audit/b.ts'), edge('src/audit/b.ts', 'src/core/c.ts'), edge('src/feedback/d.ts', 'src/audit/b.ts')];
    expect(checkLayers(chain)).toEqual([]);
    const ring = [...chain, edge('src/audit/e.ts', 'src/feedback/f.ts'), edge('src/feedback/d.ts', 'src/pages/g.ts')];
    expect(checkLayers(ring)).toEqual([expect.stringMatching(/^folder cycle: src\/audit, src\/feedback, src\/pages /), 'a domain imports no page or route: src/feedback/d.ts imports src/pages/g.ts']);
  });

  it('lets core use the types of db/ only, and keeps db/ and scoring/ to themselves', () => {
    expect(checkLayers([edge('src/core/context.ts', 'db/client.ts', true)])).toEqual([]);
    expect(checkLayers([edge('src/core/http.ts', 'db/schema.ts')])).toEqual(['core imports no domain (only types of db/): src/core/http.ts imports db/schema.ts']);
    expect(checkLayers([edge('scoring/engine.ts', 'src/core/ids.ts', true)])).toEqual(['scoring is pure and imports nothing of the service: scoring/engine.ts imports src/core/ids.ts']);
    expect(checkLayers([edge('db/client.ts', 'src/core/clock.ts')])).toEqual(['db imports nothing of the service: db/client.ts imports src/core/clock.ts']);
  });

  it('refuses a domain importing the app or a page, and lets pages and routes import domains', () => {
    expect(checkLayers([edge('src/flags/schedule.ts', 'src/app.ts')])).toEqual(['nothing under src/ imports the app or an entry: src/flags/schedule.ts imports src/app.ts']);
    expect(checkLayers([edge('src/grading/grading-run.ts', 'src/grading/pages.tsx')])).toEqual([
      'a domain imports no page or route: src/grading/grading-run.ts imports src/grading/pages.tsx',
    ]);
    expect(checkLayers([edge('src/grading/report.ts', 'src/grading/pages/run.ts')])).toHaveLength(1);
    expect(checkLayers([edge('src/audit/service.ts', 'src/audit/routes.ts')])).toHaveLength(1);
    expect(
      checkLayers([
        edge('src/grading/routes.ts', 'src/grading/pages.tsx'),
        edge('src/grading/pages.tsx', 'src/grading/grading-run.ts'),
        edge('src/grading/messages.ts', 'src/pages/i18n.ts', true),
        edge('src/pages/verify.tsx', 'src/audit/service.ts'),
        edge('src/app.ts', 'src/pages/routes.ts'),
      ]),
    ).toEqual([]);
  });

  it('reads every kind of import: value, type-only, re-export, dynamic, import types', () => {
    const root = mkdtempSync(join(tmpdir(), 'tgo-layers-'));
    const put = (file: string, text: string) => {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    };
    try {
      put('src/core/a.ts', "import type { B } from '../../db/b.js';\nimport { type C, type D } from '../../db/c.js';\nexport { e } from '../auth/e.js';\n");
      put('src/auth/e.ts', "export const e = 1;\nconst f = () => import('../grading/f.js');\nlet g: import('../flags/g.js').G;\nimport '../pages/h.js';\nimport x from 'drizzle-orm';\n");
      put('src/pages/view.tsx', "import { e } from '../auth/e.js';\n");
      for (const f of ['db/b.ts', 'db/c.ts', 'src/grading/f.ts', 'src/flags/g.ts', 'src/pages/h.ts']) put(f, 'export {};\n');
      const edges = collectImports(root);
      expect(edges.sort((x, y) => `${x.from}${x.to}`.localeCompare(`${y.from}${y.to}`))).toEqual([
        edge('src/auth/e.ts', 'src/flags/g.ts', true),
        edge('src/auth/e.ts', 'src/grading/f.ts'),
        edge('src/auth/e.ts', 'src/pages/h.ts'),
        edge('src/core/a.ts', 'db/b.ts', true),
        edge('src/core/a.ts', 'db/c.ts', true),
        edge('src/core/a.ts', 'src/auth/e.ts'),
        edge('src/pages/view.tsx', 'src/auth/e.ts'),
      ]);
      expect(checkLayers(edges).sort()).toEqual([
        'a domain imports no page or route: src/auth/e.ts imports src/pages/h.ts',
        'core imports no domain (only types of db/): src/core/a.ts imports src/auth/e.ts',
        'folder cycle: src/auth, src/pages (src/auth/e.ts -> src/pages/h.ts; src/pages/view.tsx -> src/auth/e.ts)',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
