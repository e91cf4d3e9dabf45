/**
 * The values the fuzz suite sends: generated from the OpenAPI document's own JSON Schemas (so a
 * good share of requests pass validation and reach the verbs), mixed with hostile ones: full
 * Unicode with lone surrogates and NUL, huge and negative numbers, deep nesting, long strings,
 * wrong types and unknown fields.
 */
import fc from 'fast-check';

export type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: Schema;
  prefixItems?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  minItems?: number;
  maxItems?: number;
  [k: string]: unknown;
};

export interface Components {
  schemas?: Record<string, Schema>;
}

/** One code point of the whole range, lone surrogate halves included (fast-check's 'binary' leaves them out). */
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((cp) => (cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp)));

/** Any text: ASCII often, CJK, controls, NUL, lone surrogates. */
export const anyText = (maxLength = 24) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: anyCodePoint, maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\u0007', '\t', '\n', '\r', '\u007f', '\ud800', '\udfff', '张', 'é', '=', '"', '\\', '/', '%', '&'), maxLength }) },
  );

/** Strings and numbers that have broken services before. */
export const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  anyText(),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'UZ\ud800',
    '\udfff\ud800',
    '\ufeff',
    'x'.repeat(70_000),
    '张'.repeat(5_000),
    '=HYPERLINK("http://evil.example","x")',
    '../../../../etc/passwd',
    '<script>alert(1)</script>',
    "'; drop table units; --",
    '%00',
    '2026Q5',
    '9999-99-99',
    '2026-02-30',
    'null',
    'NaN',
  ),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, Number.MIN_SAFE_INTEGER - 2, -1, 0, -0, 1.5, 2 ** 63, 5e-324),
  fc.constantFrom(null, true, false, [], {}, [[[]]], { a: { b: { c: {} } } }),
);

/** An array nested `depth` deep: `[[[...]]]`. */
export const deeplyNested = (depth: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

function resolve(schema: Schema, components: Components): Schema {
  let s = schema;
  for (let i = 0; i < 10 && s.$ref; i++) {
    const name = s.$ref.replace('#/components/schemas/', '');
    s = components.schemas?.[name] ?? {};
  }
  return s;
}

/** Values that the schema is likely to accept: examples of this world first, then its types. */
function validFor(schema: Schema, components: Components, pool: readonly string[], depth: number): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.const !== undefined) return fc.constant(s.const);
  const branches = s.anyOf ?? s.oneOf;
  if (branches?.length) return fc.oneof(...branches.map((b) => valueFor(b, components, pool, depth + 1)));
  if (s.allOf?.length) return valueFor(s.allOf[0]!, components, pool, depth + 1);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : ['string', 'number', 'object'];
  const arbs: fc.Arbitrary<unknown>[] = [];
  for (const type of types) {
    switch (type) {
      case 'string': {
        const options: fc.Arbitrary<unknown>[] = [];
        if (s.pattern) {
          try {
            options.push(fc.stringMatching(new RegExp(s.pattern), { maxLength: 40 }));
          } catch {
            // a pattern JavaScript cannot read: the pool and plain strings
          }
        }
        if (pool.length) options.push(fc.constantFrom(...pool), fc.constantFrom(...pool));
        options.push(fc.string({ minLength: Math.min(s.minLength ?? 0, 40), maxLength: Math.min(s.maxLength ?? 30, 60) }));
        arbs.push(fc.oneof(...options));
        break;
      }
      case 'integer': {
        const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -5);
        const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 2_000);
        arbs.push(fc.integer({ min: Math.ceil(Math.max(min, -1e9)), max: Math.floor(Math.min(Math.max(max, min), 1e9)) }));
        break;
      }
      case 'number':
        arbs.push(fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true }));
        break;
      case 'boolean':
        arbs.push(fc.boolean());
        break;
      case 'null':
        arbs.push(fc.constant(null));
        break;
      case 'array': {
        const item = s.items ?? s.prefixItems?.[0] ?? {};
        arbs.push(fc.array(valueFor(item, components, pool, depth + 1), { minLength: Math.min(s.minItems ?? 0, 3), maxLength: Math.min(s.maxItems ?? 3, 3) }));
        break;
      }
      case 'object': {
        const props = s.properties ?? {};
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, v] of Object.entries(props)) record[k] = valueFor(v, components, pool, depth + 1);
        const required = (s.required ?? []).filter((k) => k in record);
        arbs.push(fc.record(record, { requiredKeys: required }));
        break;
      }
      default:
        arbs.push(hostileScalar);
    }
  }
  return arbs.length === 1 ? arbs[0]! : fc.oneof(...arbs);
}

/**
 * A value for `schema`: mostly a plausible one, sometimes a hostile one in its place; objects
 * sometimes carry an unknown field or lose a required one.
 */
export function valueFor(schema: Schema, components: Components, pool: readonly string[], depth = 0): fc.Arbitrary<unknown> {
  if (depth > 5) return hostileScalar;
  const valid = validFor(schema, components, pool, depth);
  const s = resolve(schema, components);
  const isObject = s.type === 'object' || (!!s.properties && !s.type);
  // Inside a body a hostile value replaces one field in sixteen; at the top, a case in eight.
  const variants: fc.WeightedArbitrary<unknown>[] = [
    { weight: depth === 0 ? 7 : 15, arbitrary: valid },
    { weight: 1, arbitrary: hostileScalar },
  ];
  if (isObject) {
    variants.push({
      weight: 1,
      arbitrary: fc.tuple(valid, anyText(12), hostileScalar).map(([v, k, x]) => (v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as object), [k || 'extra']: x } : v)),
    });
    if (s.required?.length) {
      const required = s.required;
      variants.push({
        weight: 1,
        arbitrary: fc.tuple(valid, fc.constantFrom(...required)).map(([v, k]) => {
          if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
          const copy = { ...(v as Record<string, unknown>) };
          delete copy[k];
          return copy;
        }),
      });
    }
  }
  if (depth === 0) variants.push({ weight: 1, arbitrary: fc.constantFrom(deeplyNested(3_000), { nested: deeplyNested(3_000) }) });
  return fc.oneof(...variants);
}

const utf8 = new TextEncoder();

/**
 * Percent-encodes `s` as WTF-8: a lone surrogate becomes the three bytes UTF-8 would give its code
 * point (ED A0 80 for U+D800), which are not UTF-8; `encodeURIComponent` would refuse it. So
 * invalid UTF-8 reaches the URL as a hostile client would send it.
 */
export function percentEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const isHigh = code >= 0xd800 && code <= 0xdbff;
    const next = s.charCodeAt(i + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else if (/[A-Za-z0-9_.~-]/.test(s[i]!)) out += s[i];
    else out += [...utf8.encode(s[i]!)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}
