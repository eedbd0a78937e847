import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@aof/api';
import { PLATFORM } from './chat.js';
import { retryDelayMs, telegrafSignal, type TelegramApi } from './client.js';
import { ALLOWED_UPDATES } from './config.js';
import { record } from './fields.js';
import type { TelegramInboundPipeline } from './inbound.js';

/** Telegram holds a getUpdates call open this long when there is nothing to deliver. */
const LONG_POLL_SECS = 50;
const MAX_PAUSE_MS = 60_000;
const CONFIRM_TIMEOUT_MS = 5_000;

/**
 * Long polling with getUpdates through telegraf's client. Not `Telegraf#launch`: its promise only
 * settles when polling ends and it cannot be stopped while it is still starting, whereas this loop
 * stops at any point by aborting the open request. An update is confirmed (the next offset) only
 * once the kernel has it.
 */
export class TelegramPolling {
  readonly #api: TelegramApi;
  readonly #pipeline: TelegramInboundPipeline;
  readonly #logger: Logger;
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;
  #offset = 0;

  constructor(options: { api: TelegramApi; pipeline: TelegramInboundPipeline; logger: Logger }) {
    this.#api = options.api;
    this.#pipeline = options.pipeline;
    this.#logger = options.logger;
  }

  /** getUpdates answers 409 while a webhook is set, so it goes first; a wrong token fails the boot here. */
  async start(): Promise<void> {
    await this.#api.deliver('deleteWebhook', (telegram) => telegram.deleteWebhook());
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      let updates: readonly unknown[];
      try {
        updates = await this.#api.telegram.callApi('getUpdates', { offset: this.#offset, timeout: LONG_POLL_SECS, allowed_updates: [...ALLOWED_UPDATES] }, { signal: telegrafSignal(signal) });
        failures = 0;
      } catch (error) {
        if (signal.aborted) break;
        // 429 and 5xx come with their own pause; a 401 or 409 (another poller) is retried more slowly, for as long as it lasts.
        const pauseMs = retryDelayMs(error, failures) ?? Math.min(1000 * 2 ** failures, MAX_PAUSE_MS);
        failures += 1;
        this.#logger.error({ platform: PLATFORM, method: 'getUpdates', pause_ms: pauseMs, error: this.#api.describe(error) }, 'Telegram long polling failed');
        await sleep(pauseMs, undefined, { signal }).catch(() => undefined);
        continue;
      }
      for (const entry of updates) {
        const update = record(entry);
        const updateId = update?.update_id;
        if (update !== undefined) await this.#pipeline.handle(update);
        if (typeof updateId === 'number') this.#offset = Math.max(this.#offset, updateId + 1);
      }
    }
    await this.#confirm();
  }

  /** Tells Telegram the last batch is handled, so the next start does not fetch it again. */
  async #confirm(): Promise<void> {
    if (this.#offset === 0) return;
    try {
      await this.#api.telegram.callApi('getUpdates', { offset: this.#offset, limit: 1, timeout: 0 }, { signal: telegrafSignal(AbortSignal.timeout(CONFIRM_TIMEOUT_MS)) });
    } catch (error) {
      // Dedupe by update_id drops whatever comes again.
      this.#logger.warn({ platform: PLATFORM, error: this.#api.describe(error) }, 'could not confirm the last Telegram updates');
    }
  }
}
