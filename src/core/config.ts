/**
 * The app's configuration: what every entry (src/node.ts, src/worker.ts), the tests and the
 * scripts give `createApp` and the scheduled jobs. Read once, at the entry, from its environment
 * (process.env, the Worker's bindings) through `resolveConfig`, then injected; nothing else reads
 * the environment or fills in defaults.
 */
import { z } from 'zod';

export interface AppConfig {
  /** Base URL used in invitation links, e.g. https://grading.example.gov.cn (no trailing slash). */
  publicUrl: string;
  /** Bureau name printed on slips and reports. */
  bureauName: string;
  /** Checkpoint origin line (C2SP tlog-checkpoint). */
  logOrigin: string;
  /** Witnesses that cosign checkpoints (`WITNESSES`, parsed by the entries with src/audit/witness.ts). */
  witnesses?: readonly WitnessConfig[];
  /** The gateway invitations are delivered through (src/delivery); unset: invitations carry no delivery. */
  delivery?: DeliveryConfig;
}

/** `DELIVERY_WEBHOOK_URL` and `DELIVERY_WEBHOOK_SECRET` (docs/delivery.md). */
export interface DeliveryConfig {
  webhookUrl: string;
  /** Signs each request (HMAC-SHA256) and seals the addresses waiting in the outbox. */
  secret: string;
}

/** A witness of the audit log (C2SP tlog-witness): its submission URL and its C2SP verifier key. */
export interface WitnessConfig {
  url: string;
  verifierKey: string;
}

export const defaultConfig: AppConfig = {
  publicUrl: 'http://localhost:8787',
  bureauName: '示范市税务局',
  logOrigin: 'tax-grading.invalid/audit',
};

/**
 * The variables behind `AppConfig` (README "Running it for real"). An entry extends this with its
 * own (database, port, keys, bindings), so a variable is validated by one rule wherever it is read.
 */
export const configEnv = z.object({
  PUBLIC_URL: z.url({ error: 'PUBLIC_URL must be an absolute URL' }).optional(),
  BUREAU_NAME: z.string().min(1).optional(),
  LOG_ORIGIN: z.string().min(1).optional(),
  DELIVERY_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'DELIVERY_WEBHOOK_URL must be an http(s) URL' }).optional(),
  DELIVERY_WEBHOOK_SECRET: z.string().min(16, 'DELIVERY_WEBHOOK_SECRET must be at least 16 characters').optional(),
});

/** `NAME: message; NAME: message` for a configuration that does not parse. */
export function describeEnvIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.') || 'env'}: ${i.message}`).join('; ');
}

/**
 * The config from an environment-like record (unset variables take `defaultConfig`); throws,
 * naming the variable, when one is not valid. The public URL loses any trailing slash, so links
 * are `${publicUrl}/f/...` everywhere.
 */
export function resolveConfig(env: Record<string, unknown> = {}): AppConfig {
  const parsed = configEnv.safeParse(env);
  if (!parsed.success) throw new Error(`Configuration is invalid: ${describeEnvIssues(parsed.error.issues)}`);
  const e = parsed.data;
  if (Boolean(e.DELIVERY_WEBHOOK_URL) !== Boolean(e.DELIVERY_WEBHOOK_SECRET)) {
    throw new Error('Configuration is invalid: DELIVERY_WEBHOOK_URL and DELIVERY_WEBHOOK_SECRET are set together or not at all');
  }
  return {
    publicUrl: (e.PUBLIC_URL ?? defaultConfig.publicUrl).replace(/\/+$/, ''),
    bureauName: e.BUREAU_NAME ?? defaultConfig.bureauName,
    logOrigin: e.LOG_ORIGIN ?? defaultConfig.logOrigin,
    ...(e.DELIVERY_WEBHOOK_URL && e.DELIVERY_WEBHOOK_SECRET ? { delivery: { webhookUrl: e.DELIVERY_WEBHOOK_URL, secret: e.DELIVERY_WEBHOOK_SECRET } } : {}),
  };
}
