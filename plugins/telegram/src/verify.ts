import { createHash, timingSafeEqual } from 'node:crypto';
import type { WebhookRejectionReason } from '@aof/api';

/** The header Telegram sends on every webhook call when setWebhook was given a `secret_token`. */
export const SECRET_TOKEN_HEADER = 'x-telegram-bot-api-secret-token';

export type SecretTokenResult = { ok: true } | { ok: false; reason: Exclude<WebhookRejectionReason, 'stale'> };

/**
 * Telegram signs nothing and sends no timestamp: the secret token header is the whole proof that
 * a request comes from Telegram, so there is no replay window (retries are deduped by update_id).
 */
export function secretTokenVerifier(secret: string): (given: string | undefined) => SecretTokenResult {
  const expected = digest(secret);
  return (given) => {
    if (given === undefined || given === '') return { ok: false, reason: 'missing' };
    // Comparing fixed-length digests keeps the time independent of where, and whether, the lengths differ.
    return timingSafeEqual(digest(given), expected) ? { ok: true } : { ok: false, reason: 'mismatch' };
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
