import { z } from '@hono/zod-openapi';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

export const problemResponses = {
  400: { description: 'Invalid input', content: { 'application/problem+json': { schema: ProblemSchema } } },
  401: { description: 'No valid token', content: { 'application/problem+json': { schema: ProblemSchema } } },
  403: { description: 'Wrong role, or about oneself', content: { 'application/problem+json': { schema: ProblemSchema } } },
} as const;

export const bearerSecurity = [{ bearer: [] as string[] }];
