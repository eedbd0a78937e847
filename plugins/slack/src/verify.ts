import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookRejectionReason } from '@aof/api';
import type { SigningSecret } from './config.js';

/** Slack's replay window: a request signed more than five minutes away from now is refused. */
export const MAX_CLOCK_SKEW_SECS = 5 * 60;
/** `v0=` and a hex SHA-256, nothing more. */
const SIGNATURE_FORMAT = /^v0=[0-9a-f]{64}$/i;

export interface SlackSignatureInput {
  /** `X-Slack-Request-Timestamp`, epoch seconds. */
  timestamp: string | undefined;
  /** `X-Slack-Signature`, `v0=<hex HMAC-SHA256>`. */
  signature: string | undefined;
  /** The body exactly as received: Slack signs bytes, not the parsed JSON. */
  rawBody: Buffer | string;
  secrets: readonly SigningSecret[];
  /** Epoch seconds; defaults to the clock. */
  nowSecs?: number;
}

export type SlackSignatureResult =
  | {
    ok: true;
    /** The workspace whose own secret matched; absent for the app-wide secret. */
    team?: string;
    /** The secret that matched, with what it is bound to (a team, or flows). */
    signer: SigningSecret;
  }
  | { ok: false; reason: WebhookRejectionReason };

/**
 * Slack's v0 request signing: HMAC-SHA256 over `v0:<timestamp>:<raw body>` with the signing
 * secret. Every configured secret is tried (the app's, one per workspace, one per flow that
 * carries its own), each in constant time.
 */
export function verifySlackSignature(input: SlackSignatureInput): SlackSignatureResult {
  const { timestamp, signature } = input;
  if (timestamp === undefined || timestamp === '' || signature === undefined || signature === '') return { ok: false, reason: 'missing' };
  const sentAt = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  const now = input.nowSecs ?? Math.floor(Date.now() / 1000);
  if (Number.isNaN(sentAt) || Math.abs(now - sentAt) > MAX_CLOCK_SKEW_SECS) return { ok: false, reason: 'stale' };
  // Exactly as Slack sends it: Buffer's hex decoding stops at the first other character, so a
  // valid signature with anything after it (or a second header joined to it) would pass.
  if (!SIGNATURE_FORMAT.test(signature)) return { ok: false, reason: 'mismatch' };
  const given = Buffer.from(signature.slice('v0='.length), 'hex');
  const base = Buffer.concat([Buffer.from(`v0:${timestamp}:`), Buffer.isBuffer(input.rawBody) ? input.rawBody : Buffer.from(input.rawBody)]);
  for (const candidate of input.secrets) {
    const expected = createHmac('sha256', candidate.secret).update(base).digest();
    // timingSafeEqual throws on a length difference; a short or odd-length header is just a mismatch.
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      return candidate.team === undefined ? { ok: true, signer: candidate } : { ok: true, team: candidate.team, signer: candidate };
    }
  }
  return { ok: false, reason: 'mismatch' };
}

/** The signature Slack would send; for tests and tools that replay events. */
export function signSlackRequest(secret: string, timestamp: string | number, rawBody: string | Buffer): string {
  const body = Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody);
  return `v0=${createHmac('sha256', secret).update(Buffer.concat([Buffer.from(`v0:${timestamp}:`), body])).digest('hex')}`;
}
