/**
 * Issue 11, the OpenAPI document drifted from the service: 401 was undocumented on every bearer
 * route, 409/413/415/429 on several; `cursor` and `period` had no pattern; misspelt query filters
 * were ignored (`/api/v1/flags?unitCode=X` returned the whole queue). The router now completes
 * every route's statuses (core/openapi.ts) and refuses undeclared query parameters
 * (core/contract.ts); the document validates as OpenAPI 3.1.
 */
import { describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { makeTestApp } from '../support/app.js';
import { periodInputPattern } from '../../src/core/period.js';

type Schema = { pattern?: string; type?: string; $ref?: string; [k: string]: unknown };
type Parameter = { name: string; in: string; required?: boolean; schema: Schema };
type Operation = {
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  'x-max-body-bytes'?: number;
};
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

async function documentOf() {
  const t = await makeTestApp();
  const doc = (await (await t.call('GET', '/openapi.json')).json()) as Doc;
  return { t, doc };
}

const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

describe('the OpenAPI document', () => {
  it('validates as OpenAPI 3.1', async () => {
    const { doc } = await documentOf();
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)?.slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every status the shared stack can answer, as problem+json, on every operation', async () => {
    const { doc } = await documentOf();
    const missing: string[] = [];
    for (const { path, method, op } of operations(doc)) {
      const expected = ['400'];
      if (op.security?.length) expected.push('401', '403');
      if (path.includes('{')) expected.push('404');
      if (method === 'post') expected.push('413', '429');
      if (op.requestBody) expected.push('415');
      if (method === 'post' && path.startsWith('/api/')) expected.push('409', '422');
      for (const status of expected) {
        const r = op.responses[status];
        if (!r) missing.push(`${method} ${path} ${status}`);
        else if (path.startsWith('/api/') && !r.content?.['application/problem+json']) missing.push(`${method} ${path} ${status} without problem+json`);
      }
      for (const [status, r] of Object.entries(op.responses)) {
        if (Number(status) >= 400 && path.startsWith('/api/')) {
          const schema = r.content?.['application/problem+json']?.schema;
          if (schema?.$ref !== '#/components/schemas/Problem') missing.push(`${method} ${path} ${status}: not the Problem schema`);
        }
      }
    }
    expect(missing).toEqual([]);
    // The import's larger limit is declared on the operation and in its 413.
    expect(doc.paths['/api/v1/import']!.post!['x-max-body-bytes']).toBe(64 * 1024 * 1024);
  });

  it('gives path and query parameters their patterns: ids, codes, cursors and periods', async () => {
    const { doc } = await documentOf();
    const unpatterned: string[] = [];
    let cursors = 0;
    let periods = 0;
    for (const { path, method, op } of operations(doc)) {
      for (const p of op.parameters ?? []) {
        if (p.in === 'path' && !p.schema.pattern) unpatterned.push(`${method} ${path} ${p.name}`);
        if (p.name === 'cursor') {
          cursors++;
          expect(p.schema.pattern, `${method} ${path}`).toBe('^[A-Za-z0-9_-]{1,1024}$');
        }
        if (p.name === 'period' && p.in === 'query') {
          periods++;
          // One period parser (core/period.ts): 2026Q3, 2026q3 and 2026-Q3 are the same quarter.
          expect(p.schema.pattern, `${method} ${path}`).toBe(periodInputPattern.source);
        }
      }
    }
    expect(unpatterned).toEqual([]);
    expect(cursors).toBeGreaterThanOrEqual(6);
    expect(periods).toBeGreaterThanOrEqual(2);
  });
});

describe('unknown query parameters', () => {
  it('refuses /api/v1/flags?unitCode=X (the filter is `unit`) naming the parameter, instead of the whole queue', async () => {
    const { t } = await documentOf();
    const sup = await t.userToken('supervisor');
    const res = await t.call('GET', '/api/v1/flags?unitCode=X', { token: sup });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const p = (await res.json()) as { code: string; detail: string; errors: { path: string; message: string }[] };
    expect(p.errors.map((e) => e.path)).toEqual(['unitCode']);
    expect(p.errors[0]!.message).toContain('unit');
    expect((await t.call('GET', '/api/v1/flags?unit=X', { token: sup })).status).toBe(200);
  });

  it('refuses an unknown query parameter on every operation of the document, naming it', async () => {
    const { t, doc } = await documentOf();
    const failures: string[] = [];
    for (const { path, method } of operations(doc)) {
      const url = `${path.replace(/\{[^}]+\}/g, 'x1')}?zz_unknown=1`;
      const res = await t.call(method.toUpperCase(), url, { token: t.adminToken, headers: { accept: 'application/json', origin: 'http://localhost' } });
      const body = (await res.json().catch(() => null)) as { errors?: { path: string }[] } | null;
      if (res.status !== 400 || body?.errors?.[0]?.path !== 'zz_unknown') failures.push(`${method} ${path}: ${res.status}`);
    }
    expect(failures).toEqual([]);
  });
});
