/**
 * The signature on every request to the delivery gateway (docs/delivery.md):
 *
 *   X-Delivery-Id:        the message id (the same on every retry of one message)
 *   X-Delivery-Timestamp: the time of this attempt, in seconds since 1970 (UTC)
 *   X-Delivery-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<id>.<body>")>
 *
 * A receiver recomputes the MAC over the raw body, compares in constant time, refuses a
 * timestamp more than SIGNATURE_TOLERANCE_S away from its clock, and remembers the ids it has
 * handled (at least for that long): a captured request replayed later fails the time check, and
 * one replayed at once repeats a handled id. Retries are new attempts with a new timestamp and
 * the same id, so a receiver that answered but whose answer was lost sees the id again and
 * answers 2xx without sending twice.
 */
import { toHex } from '../core/ids.js';
import { SIGNATURE_TOLERANCE_S } from './policy.js';

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return toHex(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message))));
}

/** The three headers of one attempt. */
export async function signatureHeaders(secret: string, id: string, body: string, timestamp: number): Promise<Record<string, string>> {
  return {
    'x-delivery-id': id,
    'x-delivery-timestamp': String(timestamp),
    'x-delivery-signature': `v1=${await hmacHex(secret, `${timestamp}.${id}.${body}`)}`,
  };
}

/**
 * A receiver's check (for gateways written in TypeScript; the test receiver does the same with
 * node:crypto): the signature matches and the timestamp is fresh. Remembering ids is the
 * receiver's own part.
 */
export async function verifySignature(
  secret: string,
  headers: { id: string | null; timestamp: string | null; signature: string | null },
  body: string,
  nowSeconds: number,
): Promise<boolean> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_S) return false;
  const expected = `v1=${await hmacHex(secret, `${timestamp}.${id}.${body}`)}`;
  if (expected.length !== signature.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ signature.charCodeAt(i);
  return diff === 0;
}
