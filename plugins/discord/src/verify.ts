import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { WebhookRejectionReason } from '@aof/api';

/**
 * Discord does not refuse old signatures itself; a request signed more than five minutes away
 * from now is refused here, so a captured interaction cannot be replayed later.
 */
export const MAX_CLOCK_SKEW_SECS = 5 * 60;

/** ASN.1 SubjectPublicKeyInfo header of an Ed25519 key; the 32 raw key bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The application's public key (64 hex characters, as the Developer Portal shows it) as a KeyObject. */
export function discordPublicKey(hex: string): KeyObject {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error('Discord public_key must be 64 hex characters');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
}

export interface DiscordSignatureInput {
  /** `X-Signature-Timestamp`, epoch seconds. */
  timestamp: string | undefined;
  /** `X-Signature-Ed25519`, 128 hex characters. */
  signature: string | undefined;
  /** The body exactly as received: Discord signs bytes, not the parsed JSON. */
  rawBody: Buffer | string;
  publicKey: KeyObject;
  /** Epoch seconds; defaults to the clock. */
  nowSecs?: number;
}

export type DiscordSignatureResult = { ok: true } | { ok: false; reason: WebhookRejectionReason };

/**
 * Ed25519 over `<timestamp><raw body>` with the application's public key. Verification compares
 * no secret, so it has no timing side channel to guard against.
 */
export function verifyDiscordSignature(input: DiscordSignatureInput): DiscordSignatureResult {
  const { timestamp, signature } = input;
  if (timestamp === undefined || timestamp === '' || signature === undefined || signature === '') return { ok: false, reason: 'missing' };
  const sentAt = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  const now = input.nowSecs ?? Math.floor(Date.now() / 1000);
  if (Number.isNaN(sentAt) || Math.abs(now - sentAt) > MAX_CLOCK_SKEW_SECS) return { ok: false, reason: 'stale' };
  // Buffer.from(hex) stops at the first bad pair, so a malformed header would verify a shorter signature.
  if (!/^[0-9a-fA-F]{128}$/.test(signature)) return { ok: false, reason: 'mismatch' };
  const body = Buffer.isBuffer(input.rawBody) ? input.rawBody : Buffer.from(input.rawBody);
  const signed = Buffer.concat([Buffer.from(timestamp), body]);
  return verify(null, signed, input.publicKey, Buffer.from(signature, 'hex')) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
