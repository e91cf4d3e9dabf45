/**
 * The Worker's configuration: which bureaus it serves, each on its own database with its own
 * signing key, log origin and public URL (DESIGN 7: one database per tenant), validated with zod
 * at the boundary, once per isolate (docs/deploy-workers.md, docs/adr/0078).
 *
 * Two shapes:
 * - one bureau, as before: `DB` (or `DATABASE_URL`), `AUDIT_SIGNING_KEY`, `ADMIN_TOKEN`,
 *   `PUBLIC_URL`, `BUREAU_NAME`, `LOG_ORIGIN`, `WITNESSES`; it answers on every host name;
 * - several: `BUREAUS`, a table of host name -> bureau, each naming its D1 binding (`database`)
 *   or Turso URL, and the secrets that hold its keys; a request for a host not in it is a 404.
 */
import { z } from 'zod';
import { configEnv, describeEnvIssues, resolveConfig, type AppConfig } from '../core/config.js';
import { parseWitnesses } from '../audit/witness.js';
import { D1_QUERIES_PER_INVOCATION, type D1Binding } from './d1.js';

/** The static-assets binding (`[assets] binding = "ASSETS"`). */
export interface AssetsBinding {
  fetch(request: Request): Promise<Response>;
}

/** A Workflow binding (`[[workflows]] binding = "JOBS"`): the slice used to hand jobs over. */
export interface WorkflowBinding {
  create(options: { id?: string; params?: unknown }): Promise<{ id: string }>;
  get(id: string): Promise<{ status(): Promise<{ status: string; error?: unknown; output?: unknown }> }>;
}

export type BureauDatabase = { kind: 'd1'; name: string; binding: D1Binding } | { kind: 'libsql'; url: string; authToken?: string };

export interface Bureau {
  /** The host name it answers on; null: every host (the one-bureau configuration). */
  host: string | null;
  config: AppConfig;
  /** The 32-byte Ed25519 seed that signs its checkpoints. */
  seed: Uint8Array;
  /** Creates the bureau's first admin with this token (else a random one is logged once). */
  adminToken?: string;
  database: BureauDatabase;
}

export interface EdgeConfig {
  bureaus: Bureau[];
  /** D1 queries per invocation (`D1_QUERY_LIMIT`, default 1,000: Workers Paid). */
  d1Limit: number;
  /** Where long jobs continue past an invocation; without it, a job that does not fit fails. */
  jobs?: WorkflowBinding;
  assets?: AssetsBinding;
}

const hasMethod = (name: string) => (v: unknown) => typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[name] === 'function';
const isD1 = hasMethod('prepare');

export function decodeSeed(b64: string): Uint8Array | null {
  try {
    const bin = atob(b64.trim());
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.length === 32 ? out : null;
  } catch {
    return null;
  }
}

const databaseUrl = z.string().regex(/^(libsql|https?):\/\//, 'must be a libsql:// or https:// URL (Turso over HTTP)');
const witnesses = z
  .string()
  .optional()
  .superRefine((text, ctx) => {
    try {
      parseWitnesses(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });
const signingKey = (required: string) =>
  z.string({ error: required }).refine((s) => decodeSeed(s) !== null, 'must be base64 of exactly 32 bytes (an Ed25519 seed)');
const adminToken = z.string().min(16, 'must be at least 16 characters');

/** The bindings and variables every configuration shares. */
const shared = z.object({
  D1_QUERY_LIMIT: z.coerce.number().int().min(10).max(1_000_000).optional(),
  JOBS: z.custom<WorkflowBinding>(hasMethod('create'), 'JOBS must be a Workflow binding').optional(),
  ASSETS: z.custom<AssetsBinding>(hasMethod('fetch'), 'ASSETS must be an assets binding').optional(),
});

/** One bureau, from the variables the single-bureau Worker always had. */
export const singleBureauEnv = configEnv
  .extend({
    DB: z.custom<D1Binding>(isD1, 'DB must be a D1 binding').optional(),
    DATABASE_URL: databaseUrl.optional(),
    DATABASE_AUTH_TOKEN: z.string().min(1).optional(),
    ADMIN_TOKEN: adminToken.optional(),
    AUDIT_SIGNING_KEY: signingKey('AUDIT_SIGNING_KEY (secret) is required: base64 of a 32-byte Ed25519 seed'),
    // Required here: a Worker has no localhost to default to.
    PUBLIC_URL: configEnv.shape.PUBLIC_URL.unwrap(),
    WITNESSES: witnesses,
  })
  .refine((e) => e.DB !== undefined || e.DATABASE_URL !== undefined, {
    message: 'bind a D1 database as DB, or set DATABASE_URL (and DATABASE_AUTH_TOKEN) for Turso',
    path: ['DB'],
  });

const bindingName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must name a binding or secret');
const host = z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'must be a lower-case host name (no scheme, port or path)');

/** One bureau of `BUREAUS`: what it names (bindings, secrets) is looked up in the Worker's env. */
const bureauEntry = z
  .object({
    /** The name of its D1 binding (`[[d1_databases]] binding`). */
    database: bindingName.optional(),
    /** Or its Turso URL, with the name of the secret holding its token. */
    databaseUrl: databaseUrl.optional(),
    databaseAuthToken: bindingName.optional(),
    /** The name of the secret holding its signing key (base64 of a 32-byte Ed25519 seed). */
    signingKey: bindingName,
    /** The name of the secret holding its first admin's token. */
    adminToken: bindingName.optional(),
    publicUrl: z.url({ error: 'must be an absolute URL' }),
    bureauName: z.string().min(1).optional(),
    logOrigin: z.string().min(1),
    witnesses,
  })
  .strict()
  .refine((b) => (b.database === undefined) !== (b.databaseUrl === undefined), { message: 'name either a D1 binding (database) or a Turso URL (databaseUrl)', path: ['database'] });

const bureausTable = z.record(host, bureauEntry).refine((t) => Object.keys(t).length > 0, 'lists no bureau');

/**
 * The Worker's configuration from its env; throws `Worker configuration is invalid: <path>:
 * <message>; ...` naming every binding, secret or variable that is missing or malformed.
 */
export function parseEdgeEnv(env: Record<string, unknown>): EdgeConfig {
  const fail = (issues: readonly { path: readonly PropertyKey[]; message: string }[]): never => {
    throw new Error(`Worker configuration is invalid: ${describeEnvIssues(issues)}`);
  };
  const common = shared.safeParse(env);
  if (!common.success) fail(common.error.issues);
  const base = { d1Limit: common.data!.D1_QUERY_LIMIT ?? D1_QUERIES_PER_INVOCATION, jobs: common.data!.JOBS, assets: common.data!.ASSETS };
  if (env.BUREAUS === undefined) return { ...base, bureaus: [singleBureau(env, fail)] };

  let raw = env.BUREAUS;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch (err) {
      fail([{ path: ['BUREAUS'], message: `is not JSON: ${(err as Error).message}` }]);
    }
  }
  const table = bureausTable.safeParse(raw);
  if (!table.success) fail(table.error.issues.map((i) => ({ ...i, path: ['BUREAUS', ...i.path] })));
  const issues: { path: PropertyKey[]; message: string }[] = [];
  const bureaus: Bureau[] = [];
  for (const [name, b] of Object.entries(table.data!)) {
    const at = (field: string, message: string) => issues.push({ path: ['BUREAUS', name, field], message });
    const secret = (field: string, secretName: string | undefined) => {
      if (secretName === undefined) return undefined;
      const v = env[secretName];
      if (typeof v !== 'string' || !v) at(field, `the secret ${secretName} is not set`);
      return typeof v === 'string' && v ? v : undefined;
    };
    let database: BureauDatabase | null = null;
    if (b.database) {
      const binding = env[b.database];
      if (!isD1(binding)) at('database', `${b.database} is not a D1 binding`);
      else database = { kind: 'd1', name: b.database, binding: binding as D1Binding };
    } else database = { kind: 'libsql', url: b.databaseUrl!, authToken: secret('databaseAuthToken', b.databaseAuthToken) };
    const keyText = secret('signingKey', b.signingKey);
    const seed = keyText === undefined ? null : decodeSeed(keyText);
    if (keyText !== undefined && !seed) at('signingKey', `the secret ${b.signingKey} must be base64 of exactly 32 bytes`);
    const admin = secret('adminToken', b.adminToken);
    if (admin !== undefined && admin.length < 16) at('adminToken', `the secret ${b.adminToken} must be at least 16 characters`);
    if (!database || !seed) continue;
    const config = { ...resolveConfig({ PUBLIC_URL: b.publicUrl, BUREAU_NAME: b.bureauName, LOG_ORIGIN: b.logOrigin }), witnesses: parseWitnesses(b.witnesses) };
    bureaus.push({ host: name, config, seed, adminToken: admin, database });
  }
  // Bureaus share nothing: two that named one database, key, origin or URL would mix their records.
  const twice = (what: string, field: string, value: (b: Bureau) => string) => {
    const seen = new Map<string, string>();
    for (const b of bureaus) {
      const v = value(b);
      if (seen.has(v)) issues.push({ path: ['BUREAUS', b.host!, field], message: `the same ${what} as ${seen.get(v)}; every bureau has its own` });
      else seen.set(v, b.host!);
    }
  };
  twice('database', 'database', (b) => (b.database.kind === 'd1' ? `d1:${b.database.name}` : `url:${b.database.url}`));
  twice('signing key', 'signingKey', (b) => b.seed.join(','));
  twice('log origin', 'logOrigin', (b) => b.config.logOrigin);
  twice('public URL', 'publicUrl', (b) => b.config.publicUrl);
  if (issues.length) fail(issues);
  return { ...base, bureaus };
}

function singleBureau(env: Record<string, unknown>, fail: (issues: readonly { path: readonly PropertyKey[]; message: string }[]) => never): Bureau {
  const parsed = singleBureauEnv.safeParse(env);
  if (!parsed.success) fail(parsed.error.issues);
  const e = parsed.data!;
  const database: BureauDatabase = e.DB ? { kind: 'd1', name: 'DB', binding: e.DB } : { kind: 'libsql', url: e.DATABASE_URL!, authToken: e.DATABASE_AUTH_TOKEN };
  return { host: null, config: { ...resolveConfig(e), witnesses: parseWitnesses(e.WITNESSES) }, seed: decodeSeed(e.AUDIT_SIGNING_KEY)!, adminToken: e.ADMIN_TOKEN, database };
}

/** The bureau that answers on `hostname` (any, in the one-bureau configuration), or null. */
export function bureauFor(config: EdgeConfig, hostname: string): Bureau | null {
  const h = hostname.toLowerCase();
  return config.bureaus.find((b) => b.host === null || b.host === h) ?? null;
}
