/** The fuzz suite's checks can fail: each kind of wrong answer is caught (test/fuzz/engine.ts). */
import { describe, expect, it } from 'vitest';
import { Checker, operationsOf, percentEncodeForTest, type OpenApiDocument } from './engine.js';

const doc: OpenApiDocument = {
  openapi: '3.1.0',
  components: { schemas: { Item: { type: 'object', properties: { id: { type: 'string' }, n: { type: 'integer' } }, required: ['id'] } } },
  paths: {
    '/api/v1/things/{id}': {
      get: {
        responses: {
          200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } },
          404: { content: { 'application/problem+json': { schema: { type: 'object' } } } },
        },
      },
    },
  },
};

const problem = (status: number) => JSON.stringify({ type: 't', title: 'x', status, detail: 'd', code: 'c' });

describe('the fuzz checker', () => {
  const checker = new Checker(doc);
  const op = operationsOf(doc)[0]!;
  const answer = (status: number, body: string, type: string) => new Response(body, { status, headers: { 'content-type': type } });

  it('accepts documented answers', async () => {
    expect(await checker.problem(op, answer(200, '{"id":"a","n":1}', 'application/json'))).toBeNull();
    expect(await checker.problem(op, answer(404, problem(404), 'application/problem+json'))).toBeNull();
  });

  it('catches a 5xx, an undocumented status, a wrong media type, a 4xx that is not problem+json, and a 2xx off its schema', async () => {
    expect(await checker.problem(op, answer(500, '', 'text/plain'))).toMatch(/answered 500/);
    expect(await checker.problem(op, answer(403, problem(403), 'application/problem+json'))).toMatch(/does not list/);
    expect(await checker.problem(op, answer(200, '{"id":"a"}', 'text/html'))).toMatch(/document says application\/json/);
    expect(await checker.problem(op, answer(404, '{"x":1}', 'application/json'))).toMatch(/document says/);
    expect(await checker.problem(op, answer(200, '{"n":"one"}', 'application/json'))).toMatch(/does not match the documented schema/);
  });

  it('sends lone surrogates in URLs as the bytes a hostile client would', () => {
    expect(percentEncodeForTest('a\ud800/é')).toBe('a%ED%A0%80%2F%C3%A9');
  });
});
