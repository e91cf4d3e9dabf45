/**
 * The audit public key for the command-line tools (verify, backup, restore), in order: `--key
 * <base64>` or AUDIT_PUBLIC_KEY (what GET /api/v1/audit/key published: the independent choice),
 * else the service's own signing key (AUDIT_SIGNING_KEY, or the key file beside a file database).
 * Never creates a key: a tool that found none says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { signerFromSeed } from '../audit/signer.js';

export function toolPublicKey(argv: string[], env: NodeJS.ProcessEnv, databaseUrl: string): { key: Uint8Array; from: string } {
  const i = argv.indexOf('--key');
  const given = i >= 0 ? argv[i + 1] : env.AUDIT_PUBLIC_KEY;
  if (given) return { key: Uint8Array.from(Buffer.from(given, 'base64')), from: i >= 0 ? '--key' : 'AUDIT_PUBLIC_KEY' };
  if (env.AUDIT_SIGNING_KEY) return { key: signerFromSeed(Uint8Array.from(Buffer.from(env.AUDIT_SIGNING_KEY, 'base64'))).publicKey, from: 'AUDIT_SIGNING_KEY' };
  const keyPath = keyFileBeside(databaseUrl);
  if (keyPath && existsSync(keyPath)) {
    return { key: signerFromSeed(Uint8Array.from(Buffer.from(readFileSync(keyPath, 'utf8').trim(), 'base64'))).publicKey, from: keyPath };
  }
  throw new Error('No public key: pass --key <base64> or set AUDIT_PUBLIC_KEY (GET /api/v1/audit/key publishes it).');
}

/** `audit-signing.key` beside a `file:` database; null for other URLs. */
export function keyFileBeside(databaseUrl: string): string | null {
  return databaseUrl.startsWith('file:') ? join(dirname(resolve(databaseFile(databaseUrl))), 'audit-signing.key') : null;
}

/** The file of a `file:` URL (without its query string). */
export function databaseFile(databaseUrl: string): string {
  return databaseUrl.slice('file:'.length).split('?')[0]!;
}
