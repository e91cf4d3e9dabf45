/**
 * Well-formed text, checked once, where it enters (docs/limits.md, ADR 0056). Every string the
 * service takes in (JSON and form bodies through their schemas, CSV cells, query and path values,
 * the Idempotency-Key it stores) must be:
 *
 * - well-formed Unicode: no lone surrogate (`"\ud800"` in JSON). SQLite's JSON functions turn
 *   one into bytes that are not UTF-8, and libsql aborts the process when it reads them back;
 * - free of control characters: no C0 control (NUL included) and no DEL, except that a field
 *   declared free text (`freeText(...)`: reasons, justifications, comments) may hold tab, LF and
 *   CR. Codes, names, ids, dates and every query or path value are single-line.
 *
 * Otherwise the request is refused with 400 naming the field (`officers[3].name`,
 * `line 12: code`, `query.unit`). The checks live here; the router (core/http.ts), `parseInput`
 * (core/validate.ts), the URL check and the import's parser call them.
 */
import type { z } from '@hono/zod-openapi';

/** Defs of schemas marked free text (a def survives `.openapi()`, `.describe()` and `.meta()`). */
const freeTextDefs = new WeakSet<object>();

/**
 * Marks a string schema as free text: tab and line breaks are allowed in it (other controls are
 * not). Apply it to the finished string schema (after `.max()` and the like, which make a new one).
 */
export function freeText<T extends z.ZodType>(schema: T): T {
  freeTextDefs.add((schema as unknown as ZodLike)._zod.def);
  return schema;
}

/** A string with nothing to look at: no control character, no surrogate half (the usual case). */
const SUSPECT = /[\u0000-\u001f\u007f\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function isWellFormed(s: string): boolean {
  const native = (s as { isWellFormed?: () => boolean }).isWellFormed;
  return typeof native === 'function' ? native.call(s) : !LONE_SURROGATE.test(s);
}

const codePoint = (ch: string) => `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why `s` may not enter the service, or null. `multiline`: a free-text field, where tab, LF and
 * CR are allowed.
 */
export function textProblem(s: string, multiline = false): string | null {
  if (!SUSPECT.test(s)) return null;
  if (!isWellFormed(s)) return 'is not well-formed Unicode (it holds a lone surrogate)';
  const m = (multiline ? CONTROL_BUT_LINES : CONTROL).exec(s);
  if (!m) return null;
  if (!multiline && (m[0] === '\t' || m[0] === '\n' || m[0] === '\r')) return `must be a single line (holds ${codePoint(m[0])}); tabs and line breaks are allowed only in free text`;
  return `holds the control character ${codePoint(m[0])}`;
}

/** One refused string: where it is (a path into the value) and why. */
export interface TextIssue {
  path: PropertyKey[];
  message: string;
}

/** The parts of a zod v4 schema this module reads. */
interface ZodLike {
  _zod: { def: { type: string; [k: string]: unknown } };
}

const isZod = (s: unknown): s is ZodLike => typeof s === 'object' && s !== null && '_zod' in s;

/** Wrappers whose inner schema describes the same value. */
function unwrap(schema: ZodLike | undefined, depth = 0): ZodLike | undefined {
  if (!schema || depth > 32) return schema;
  const def = schema._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
    case 'success':
      return isZod(def.innerType) ? unwrap(def.innerType, depth + 1) : undefined;
    case 'pipe': {
      // The value walked is the output; a transform's output is not described, its input is.
      const out = def.out as ZodLike | undefined;
      const next = out && out._zod.def.type !== 'transform' ? out : (def.in as ZodLike | undefined);
      return unwrap(next, depth + 1);
    }
    case 'lazy':
      return typeof def.getter === 'function' ? unwrap(def.getter() as ZodLike, depth + 1) : undefined;
    default:
      return schema;
  }
}

/** True when the schema (or one branch of it) marks a string as free text. */
function isFreeText(schema: ZodLike | undefined): boolean {
  const s = unwrap(schema);
  if (!s) return false;
  if (freeTextDefs.has(s._zod.def)) return true;
  if (s._zod.def.type === 'union') return (s._zod.def.options as ZodLike[]).some((o) => isFreeText(o));
  return false;
}

/** The schema of `key` in an object (or record) schema; undefined when it does not say. */
function memberSchema(schema: ZodLike | undefined, key: string): ZodLike | undefined {
  const s = unwrap(schema);
  if (!s) return undefined;
  const def = s._zod.def;
  if (def.type === 'object') {
    const shape = def.shape as Record<string, ZodLike>;
    return Object.prototype.hasOwnProperty.call(shape, key) ? shape[key] : (def.catchall as ZodLike | undefined);
  }
  if (def.type === 'record') return def.valueType as ZodLike;
  if (def.type === 'intersection') return memberSchema(def.left as ZodLike, key) ?? memberSchema(def.right as ZodLike, key);
  if (def.type === 'union') {
    for (const o of def.options as ZodLike[]) {
      const m = memberSchema(o, key);
      if (m) return m;
    }
  }
  return undefined;
}

function elementSchema(schema: ZodLike | undefined, index: number): ZodLike | undefined {
  const s = unwrap(schema);
  if (!s) return undefined;
  const def = s._zod.def;
  if (def.type === 'array') return def.element as ZodLike;
  if (def.type === 'tuple') return ((def.items as ZodLike[])[index] ?? def.rest) as ZodLike | undefined;
  if (def.type === 'union') {
    for (const o of def.options as ZodLike[]) {
      const e = elementSchema(o, index);
      if (e) return e;
    }
  }
  return undefined;
}

/**
 * Every string in `value` (keys of objects included) that may not enter, with its path. `schema`
 * (the zod schema the value was parsed with) says which strings are free text; without it, or
 * where it does not say, a string is single-line.
 */
export function badText(schema: unknown, value: unknown, path: PropertyKey[] = [], out: TextIssue[] = [], depth = 0): TextIssue[] {
  const s = isZod(schema) ? schema : undefined;
  if (typeof value === 'string') {
    const problem = textProblem(value, isFreeText(s));
    if (problem) out.push({ path, message: problem });
    return out;
  }
  if (value === null || typeof value !== 'object' || depth > 64) return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => badText(elementSchema(s, i), v, [...path, i], out, depth + 1));
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    const keyProblem = textProblem(k);
    if (keyProblem) out.push({ path: [...path, k], message: `name ${keyProblem}` });
    else badText(memberSchema(s, k), v, [...path, k], out, depth + 1);
  }
  return out;
}
