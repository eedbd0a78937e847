import { AfterAck, isFirstDelivery, type InboundSink, type Logger, type StateStore } from '@aof/api';
import { PLATFORM, type Normalized } from './chat.js';
import type { TelegramApi } from './client.js';
import type { TelegramSettings } from './config.js';
import { idOf, type Fields } from './fields.js';
import type { TelegramIdentity } from './identity.js';
import type { ForumTopics } from './topics.js';
import { normalizeUpdate } from './updates.js';

/**
 * Everything after the ack, shared by the webhook and long polling: normalize, drop
 * redeliveries (by update_id, in the shared store), answer button clicks, hand over to the kernel.
 */
export class TelegramInboundPipeline {
  readonly #settings: TelegramSettings;
  readonly #identity: TelegramIdentity;
  readonly #api: TelegramApi;
  readonly #topics: ForumTopics;
  readonly #store: StateStore;
  readonly #sink: InboundSink;
  readonly #logger: Logger;
  readonly #work = new AfterAck<Fields>((error, update) => {
    this.#logger.error({ platform: PLATFORM, update_id: idOf(update.update_id), error: this.#api.describe(error) }, 'could not hand a Telegram update to the kernel');
  });

  constructor(options: { settings: TelegramSettings; identity: TelegramIdentity; api: TelegramApi; topics: ForumTopics; store: StateStore; sink: InboundSink; logger: Logger }) {
    this.#settings = options.settings;
    this.#identity = options.identity;
    this.#api = options.api;
    this.#topics = options.topics;
    this.#store = options.store;
    this.#sink = options.sink;
    this.#logger = options.logger;
  }

  /**
   * Handles an update once this turn's acks are out (AfterAck); resolves once it is with the
   * kernel. Failures are logged with the update's id, never thrown.
   */
  handle(update: Fields): Promise<void> {
    return this.#work.run(() => this.#handle(update), update);
  }

  /** Resolves once every update handed to `handle` has been handled (plugin stop waits for it). */
  idle(): Promise<void> {
    return this.#work.idle();
  }

  async #handle(update: Fields): Promise<void> {
    const normalized = normalizeUpdate(update, { bot: await this.#identity.get(), ignoreEdits: this.#settings.ignoreEdits, matchTitles: this.#settings.matchTitles, receivedAt: Date.now() });
    if ('ignored' in normalized) {
      this.#logger.debug({ platform: PLATFORM, update_id: idOf(update.update_id), reason: normalized.ignored }, 'Telegram update ignored');
      return;
    }
    const updateId = idOf(update.update_id) ?? '';
    if (!await this.#firstDelivery(updateId)) {
      this.#logger.debug({ platform: PLATFORM, update_id: updateId }, 'Telegram redelivery dropped');
      return;
    }
    if (normalized.topic !== undefined) this.#topics.remember(normalized.topic.chatId, normalized.topic.thread);
    await Promise.all([this.#answerClick(normalized), ...normalized.messages.map(async (message) => {
      const result = await this.#sink.submit(message);
      this.#logger.debug({ platform: PLATFORM, id: message.id, status: result.status, request_id: result.requestId }, 'Telegram update submitted');
    })]);
  }

  /** A store outage must not lose messages: better a possible duplicate than a silent drop. */
  async #firstDelivery(updateId: string): Promise<boolean> {
    try {
      return await isFirstDelivery(this.#store, PLATFORM, updateId);
    } catch (error) {
      this.#logger.warn({ platform: PLATFORM, error: error instanceof Error ? error.message : String(error) }, 'dedupe store failed; handling the update without dedupe');
      return true;
    }
  }

  /** Telegram shows a spinner on the button until the bot answers the query; the decision itself is the kernel's. */
  async #answerClick(normalized: Extract<Normalized, { messages: unknown }>): Promise<void> {
    const queryId = normalized.callbackQueryId;
    if (queryId === undefined) return;
    try {
      await this.#api.telegram.answerCbQuery(queryId);
    } catch (error) {
      this.#logger.warn({ platform: PLATFORM, method: 'answerCallbackQuery', error: this.#api.describe(error) }, 'could not answer a Telegram button click');
    }
  }
}
