import http from 'node:http';
import https from 'node:https';
import type { Logger } from '@aof/api';

/** How hard a delivery call tries before the reply is reported lost. */
export interface DeliveryPolicy {
  /** Attempts after the first. A 429 counts as one (after waiting its Retry-After). */
  retries: number;
  /** Backoff after a network error, a timeout or a 5xx: `minBackoffMs * 2^n`, randomized up to 2x, at most `maxBackoffMs`. */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** Per attempt. */
  timeoutMs: number;
  /** A 429 without a usable Retry-After waits this long. */
  defaultRetryAfterMs: number;
}

export const DELIVERY_POLICY: DeliveryPolicy = { retries: 5, minBackoffMs: 200, maxBackoffMs: 30_000, timeoutMs: 30_000, defaultRetryAfterMs: 1_000 };

/** Slack answered `ok: false`: the call was understood and refused (channel_not_found, not_in_channel, ...); retrying would not help. */
export class SlackApiError extends Error {
  readonly code: string;

  constructor(method: string, code: string) {
    super(`Slack ${method} failed: ${code}`);
    this.name = 'SlackApiError';
    this.code = code;
  }
}

type Attempt =
  | { kind: 'answered'; body: Record<string, unknown> }
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'failed'; retry: boolean; error: Error };

/**
 * The Web API calls that deliver replies (chat.postMessage, reactions.add), as plain JSON POSTs
 * over keep-alive connections. Under a flood of events every answer is one of these calls, and
 * WebClient's per-call machinery (request queue, p-retry, fetch, a 30 s AbortSignal.timeout kept
 * alive per call) cost the main thread more than the rest of the message. The guarantees are
 * WebClient's delivery settings: a 429 waits for Slack's Retry-After, network errors, timeouts
 * and 5xx back off and retry, and a call that still fails rejects, so the kernel logs and counts
 * the reply as lost. Unlike WebClient, a 429 holds only this token's calls of the same method to
 * the same channel: Slack limits chat.postMessage per channel, and a flood answered in one channel
 * must not hold up an incident's answers in another.
 */
export class SlackDeliveryClient {
  readonly #base: URL;
  readonly #token: string;
  readonly #logger: Logger;
  readonly #policy: DeliveryPolicy;
  readonly #agent: http.Agent;
  readonly #request: typeof http.request;
  /** By method and channel: epoch ms before which no such call goes out (Slack's last Retry-After). */
  readonly #pausedUntil = new Map<string, number>();

  constructor(options: { apiUrl: string; token: string; logger: Logger; policy?: DeliveryPolicy }) {
    this.#base = new URL(options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`);
    this.#token = options.token;
    this.#logger = options.logger;
    this.#policy = options.policy ?? DELIVERY_POLICY;
    const secure = this.#base.protocol === 'https:';
    this.#agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    this.#request = secure ? https.request : http.request;
  }

  /** Closes the kept-alive connections (the plugin is stopping; nothing more is sent). */
  close(): void {
    this.#agent.destroy();
  }

  /** Resolves with Slack's answer (`ok: true`); rejects with SlackApiError or the last transport error. */
  async call(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const url = new URL(method, this.#base);
    const body = JSON.stringify(params);
    const pauseKey = `${method} ${typeof params.channel === 'string' ? params.channel : ''}`;
    for (let attempt = 0; ; attempt++) {
      const until = this.#pausedUntil.get(pauseKey);
      if (until !== undefined) {
        if (until > Date.now()) await sleep(until - Date.now());
        else this.#pausedUntil.delete(pauseKey);
      }
      const result = await this.#attempt(url, body);
      if (result.kind === 'answered') {
        if (result.body.ok === true) return result.body;
        throw new SlackApiError(method, typeof result.body.error === 'string' ? result.body.error : 'unknown_error');
      }
      const last = attempt >= this.#policy.retries;
      if (result.kind === 'rate_limited') {
        if (last) throw new Error(`Slack ${method} was still rate limited after ${attempt + 1} attempts`);
        this.#pausedUntil.set(pauseKey, Math.max(this.#pausedUntil.get(pauseKey) ?? 0, Date.now() + result.retryAfterMs));
        this.#logger.warn({ method, channel: params.channel, retry_after_ms: result.retryAfterMs, attempt: attempt + 1 }, 'Slack rate limited a delivery call; retrying after Retry-After');
        continue;
      }
      if (!result.retry || last) throw result.error;
      const backoffMs = Math.min(this.#policy.maxBackoffMs, this.#policy.minBackoffMs * 2 ** attempt * (1 + Math.random()));
      this.#logger.warn({ method, attempt: attempt + 1, backoff_ms: Math.round(backoffMs), error: result.error.message }, 'Slack delivery call failed; retrying');
      await sleep(backoffMs);
    }
  }

  #attempt(url: URL, body: string): Promise<Attempt> {
    return new Promise((resolve) => {
      const request = this.#request(url, {
        method: 'POST',
        agent: this.#agent,
        headers: {
          authorization: `Bearer ${this.#token}`,
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        },
      }, (response) => {
        const status = response.statusCode ?? 0;
        if (status === 429) {
          response.resume();
          const seconds = Number.parseInt(String(response.headers['retry-after'] ?? ''), 10);
          resolve({ kind: 'rate_limited', retryAfterMs: Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : this.#policy.defaultRetryAfterMs });
          return;
        }
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('error', (error) => resolve({ kind: 'failed', retry: true, error }));
        response.on('end', () => {
          if (status !== 200) {
            // Slack uses no status but 200 and 429 for API outcomes: a 5xx is its outage, anything else our request.
            resolve({ kind: 'failed', retry: status >= 500, error: new Error(`Slack ${url.pathname} answered HTTP ${status}`) });
            return;
          }
          try {
            resolve({ kind: 'answered', body: JSON.parse(text) as Record<string, unknown> });
          } catch {
            resolve({ kind: 'failed', retry: true, error: new Error(`Slack ${url.pathname} answered with a body that is not JSON`) });
          }
        });
      });
      request.setTimeout(this.#policy.timeoutMs, () => request.destroy(new Error(`Slack ${url.pathname} did not answer within ${this.#policy.timeoutMs} ms`)));
      request.on('error', (error) => resolve({ kind: 'failed', retry: true, error }));
      request.end(body);
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
