import { ed25519 } from '@noble/curves/ed25519.js';
import type { AuditSigner } from '../core/context.js';

/** Signs checkpoints with Ed25519 (portable: the same code on Node and Workers). */

export function signerFromSeed(seed: Uint8Array): AuditSigner {
  if (seed.length !== 32) throw new Error('audit signing key: expected a 32-byte Ed25519 seed');
  return {
    publicKey: ed25519.getPublicKey(seed),
    sign: (message) => ed25519.sign(message, seed),
  };
}

export function randomSeed(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}
