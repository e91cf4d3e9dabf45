/**
 * One way to validate: a verb parses its own input with the zod schema its route declares (the
 * route imports the schema for `createRoute`, so the OpenAPI document shows exactly what the verb
 * accepts). The API's router has already checked the body, so there this is a cheap repeat; a
 * page, a script or a test calling the verb directly gets the very same refusal, field by field.
 */
import type { z } from '@hono/zod-openapi';
import { ApiError, type FieldError } from './errors.js';
import { refuseBadText, zodErrors } from './http.js';

/**
 * A verb's input as a caller hands it over, before the verb's own check: the schema's fields,
 * each of any type (a page passes what the form holds; the schema decides).
 */
export type Unchecked<T> = { [K in keyof T]?: unknown };

/** The refusal of an input by its schema: the router's 400 for the same body, one error per field. */
export class InputError extends ApiError {
  constructor(errors: FieldError[]) {
    super(400, 'validation_failed', 'The request does not match the schema.', errors);
  }
}

/**
 * The schema's output for `input`, or an {@link InputError} naming every bad field; then every
 * string of it must be well-formed text (core/text.ts: free text only where the schema says so),
 * so a page or script calling the verb meets the same boundary as the API.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InputError(zodErrors(parsed.error.issues));
  refuseBadText(schema, parsed.data);
  return parsed.data;
}
