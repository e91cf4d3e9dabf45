/**
 * Zod shapes of table rows, from `db/schema.ts` through drizzle-zod (STYLE: the schema is the
 * one source of truth; a response that returns rows says so by deriving its shape from them).
 * The factory is bound to @hono/zod-openapi's zod, so a row shape takes `.openapi()` like any.
 */
import { z } from '@hono/zod-openapi';
import { createSchemaFactory } from 'drizzle-zod';

export const { createSelectSchema } = createSchemaFactory({ zodInstance: z });

/**
 * Refinements for numeric columns. drizzle-zod bounds integers and reals by what SQLite stores
 * (64-bit), which the OpenAPI document would then print on every number; a response's numbers
 * are plain JSON integers and numbers, as the public contract (API.md) writes them. Nullability
 * still comes from the column.
 */
export const int = () => z.number().int();
export const num = () => z.number();
