import type { Logger } from '@aof/api';
import { backoffDelayMs, sleep, type BackoffPolicy } from './backoff.js';
import { PLATFORM } from './events.js';
import { list, record, text } from './fields.js';

export interface RetryPolicy extends BackoffPolicy {
  /** Retries after the first attempt before the reply is reported lost. */
  retries: number;
}

/** Replies must arrive: rate limits and server errors are retried, a few times, for up to a few minutes. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseMs: 500, maxMs: 60_000 };
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Graph error codes that mean "slow down" even when the HTTP status is not 429: app call limit
 * (4), account rate limit (80007), Cloud API throughput (130429), pair rate limit (131056).
 */
const RATE_LIMIT_CODES = new Set([4, 80007, 130429, 131056]);

/** A Graph API refusal; `code` is Meta's error code (e.g. 131047, 100), safe to log. */
export class GraphApiError extends Error {
  readonly status: number;
  readonly code: number | undefined;

  constructor(status: number, code: number | undefined, message: string) {
    super(`WhatsApp Graph API answered ${status}${code === undefined ? '' : ` (code ${code})`}: ${message}`);
    this.name = 'GraphApiError';
    this.status = status;
    this.code = code;
  }
}

/** Posts to `/{phone_number_id}/messages` with the bearer token, retrying what is worth retrying. */
export class GraphClient {
  readonly #baseUrl: string;
  readonly #token: string;
  readonly #retry: RetryPolicy;
  readonly #logger: Logger;

  constructor(options: { baseUrl: string; accessToken: string; retry?: RetryPolicy; logger: Logger }) {
    this.#baseUrl = options.baseUrl;
    this.#token = options.accessToken;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#logger = options.logger;
  }

  /** Sends one message object and resolves with the id (`wamid.…`) WhatsApp gave it. */
  async sendMessage(phoneNumberId: string, payload: Readonly<Record<string, unknown>>): Promise<string> {
    const url = `${this.#baseUrl}/${encodeURIComponent(phoneNumberId)}/messages`;
    const body = JSON.stringify({ messaging_product: 'whatsapp', ...payload });
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await this.#attempt(url, body);
      if ('id' in outcome) return outcome.id;
      if (!outcome.retry || attempt >= this.#retry.retries) throw outcome.error;
      const delayMs = Math.min(outcome.retryAfterMs ?? backoffDelayMs(attempt, this.#retry), this.#retry.maxMs);
      // The error carries Meta's status and code only: never the token, never the message text.
      this.#logger.warn({ platform: PLATFORM, attempt: attempt + 1, delay_ms: delayMs, error: outcome.error.message }, 'WhatsApp send failed; retrying');
      await sleep(delayMs);
    }
  }

  async #attempt(url: string, body: string): Promise<{ id: string } | { error: Error; retry: boolean; retryAfterMs?: number }> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (cause) {
      // No answer (refused, reset, timed out): a possible duplicate is better than a lost reply.
      return { error: new Error(`WhatsApp Graph API unreachable: ${cause instanceof Error ? cause.message : String(cause)}`), retry: true };
    }
    const answer = record(await response.json().catch(() => undefined));
    if (response.ok) {
      const id = text(record(list(answer?.messages)[0])?.id);
      if (id !== undefined) return { id };
      return { error: new GraphApiError(response.status, undefined, 'no message id in the answer'), retry: false };
    }
    const error = record(answer?.error);
    const code = typeof error?.code === 'number' ? error.code : undefined;
    const failure = new GraphApiError(response.status, code, text(error?.message) ?? response.statusText);
    const rateLimited = response.status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code));
    const retryAfterMs = retryAfter(response.headers.get('retry-after'));
    return { error: failure, retry: rateLimited || response.status >= 500, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
}

/** `Retry-After` in seconds (Graph does not send the HTTP-date form). */
function retryAfter(value: string | null): number | undefined {
  const seconds = value === null ? Number.NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
