import { setTimeout as sleep } from 'node:timers/promises';
import { Telegram, TelegramError } from 'telegraf';
import type { Logger } from '@aof/api';
import type { TelegramSettings } from './config.js';

/** A reply is worth waiting for: this many retries of a 429, a 5xx or a network failure. */
const DELIVERY_RETRIES = 5;
const BACKOFF_START_MS = 250;
const BACKOFF_MAX_MS = 10_000;
/** Telegram asks for seconds to minutes; anything longer is treated as an outage, not a pause. */
const MAX_RETRY_AFTER_SECS = 300;

/**
 * telegraf's Telegram client pointed at `api_root`, plus the retry policy for what must arrive:
 * telegraf itself never retries, and Telegram answers bursts with 429 and `retry_after`.
 */
export class TelegramApi {
  readonly telegram: Telegram;
  readonly #logger: Logger;
  readonly #token: string;

  constructor(options: { settings: TelegramSettings; logger: Logger }) {
    // webhookReply off: every call is a real request whose result (message ids) the plugin needs.
    this.telegram = new Telegram(options.settings.botToken, { apiRoot: options.settings.apiRoot, webhookReply: false });
    this.#logger = options.logger;
    this.#token = options.settings.botToken;
  }

  /** Runs `call`, retrying a 429 after Telegram's `retry_after` and 5xx or network failures with backoff. */
  async deliver<T>(method: string, call: (telegram: Telegram) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await call(this.telegram);
      } catch (error) {
        const waitMs = retryDelayMs(error, attempt);
        if (waitMs === undefined || attempt >= DELIVERY_RETRIES) throw error;
        this.#logger.warn({ platform: 'telegram', method, attempt: attempt + 1, wait_ms: waitMs, error: this.describe(error) }, 'Telegram call failed; retrying');
        await sleep(waitMs);
      }
    }
  }

  /** An error's message, safe to log: no bot token (telegraf redacts most, not all), no payload. */
  describe(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return message.replaceAll(this.#token, '[token]').replace(/bot\d+:[A-Za-z0-9_-]+/g, 'bot[token]');
  }
}

/** How long to wait before the next attempt, or undefined when retrying cannot help (a 400, a 403). */
export function retryDelayMs(error: unknown, attempt: number): number | undefined {
  if (error instanceof TelegramError) {
    if (error.code === 429) {
      const seconds = error.parameters?.retry_after;
      if (typeof seconds === 'number' && seconds >= 0 && seconds <= MAX_RETRY_AFTER_SECS) return seconds * 1000;
      return typeof seconds === 'number' ? undefined : backoff(attempt);
    }
    return error.code >= 500 ? backoff(attempt) : undefined;
  }
  // node-fetch's FetchError (connection refused, reset, DNS): the request may not have reached Telegram.
  return error instanceof Error && error.name === 'FetchError' ? backoff(attempt) : undefined;
}

/** telegraf types `signal` as the abort-controller polyfill's; node-fetch takes Node's own AbortSignal just as well. */
type TelegrafSignal = NonNullable<Parameters<Telegram['callApi']>[2]>['signal'];

export function telegrafSignal(signal: AbortSignal): TelegrafSignal {
  return signal as unknown as TelegrafSignal;
}

export function isTelegramError(error: unknown, code: number, description: RegExp): boolean {
  return error instanceof TelegramError && error.code === code && description.test(error.description);
}

function backoff(attempt: number): number {
  return Math.min(BACKOFF_START_MS * 2 ** attempt, BACKOFF_MAX_MS);
}
