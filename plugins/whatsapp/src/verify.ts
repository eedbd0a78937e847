import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookRejectionReason } from '@aof/api';

const PREFIX = 'sha256=';
/** `sha256=` and a hex SHA-256, nothing more. */
const SIGNATURE_FORMAT = /^sha256=[0-9a-f]{64}$/i;

export type HubSignatureResult = { ok: true } | { ok: false; reason: WebhookRejectionReason };

/**
 * Meta signs every webhook POST with the app secret: `X-Hub-Signature-256: sha256=<hex
 * HMAC-SHA256 of the raw body>`. The body is checked as bytes, before anything parses it.
 * Meta sends no signed timestamp, so there is no replay window here (see max_age_secs).
 */
export function verifyHubSignature(input: { signature: string | undefined; rawBody: Buffer | string; appSecret: string }): HubSignatureResult {
  const { signature } = input;
  if (signature === undefined || signature === '') return { ok: false, reason: 'missing' };
  // An empty secret would make every signature computable by anyone; the schema forbids it, this guards callers.
  // Exactly as Meta sends it: Buffer's hex decoding stops at the first other character, so a
  // valid signature with anything after it (or a second header joined to it) would pass.
  if (input.appSecret === '' || !SIGNATURE_FORMAT.test(signature)) return { ok: false, reason: 'mismatch' };
  const given = Buffer.from(signature.slice(PREFIX.length), 'hex');
  const expected = createHmac('sha256', input.appSecret).update(input.rawBody).digest();
  // timingSafeEqual throws on a length difference; a short or odd-length header is just a mismatch.
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/** The header Meta would send for `rawBody`; for tests and tools that replay webhooks. */
export function signHubPayload(appSecret: string, rawBody: Buffer | string): string {
  return `${PREFIX}${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * The subscription handshake's token check, in constant time. Both sides are hashed first so
 * neither their contents nor their lengths leak through timing.
 */
export function verifyTokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined || given === '' || expected === '') return false;
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
