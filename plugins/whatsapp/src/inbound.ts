import { AfterAck, isFirstDelivery, type InboundMessage, type InboundSink, type Logger, type StateStore } from '@aof/api';
import type { WhatsAppSettings } from './config.js';
import { PLATFORM, type Normalized } from './events.js';

/** Which emoji a user last put on a message, so a removal (which names none) can say which vote it retracts. */
const REACTION_MEMORY_MS = 24 * 60 * 60 * 1000;

/** Looks up a chat's name (web-mode groups); undefined when it has none or the lookup failed. */
export type ChatNameLookup = (chatId: string) => Promise<string | undefined>;

/**
 * Everything after the ack, shared by the Cloud API webhook and web mode: drop chats that are
 * not allowed, drop redeliveries, add names, hand over to the kernel. Runs in the background so
 * the platform gets its answer whatever the kernel does.
 */
export class WhatsAppInboundPipeline {
  readonly #settings: WhatsAppSettings;
  readonly #store: StateStore;
  readonly #sink: InboundSink;
  readonly #logger: Logger;
  readonly #chatName: ChatNameLookup | undefined;
  readonly #work = new AfterAck((error) => {
    this.#logger.error({ platform: PLATFORM, err: error }, 'could not hand a WhatsApp message to the kernel');
  });

  constructor(options: { settings: WhatsAppSettings; store: StateStore; sink: InboundSink; logger: Logger; chatName?: ChatNameLookup }) {
    this.#settings = options.settings;
    this.#store = options.store;
    this.#sink = options.sink;
    this.#logger = options.logger;
    this.#chatName = options.chatName;
  }

  /** Handles the items of one delivery in order, once this turn's acks are out (AfterAck); failures are logged, never thrown. */
  dispatch(items: () => Promise<readonly Normalized[]> | readonly Normalized[]): void {
    void this.#work.run(async () => {
      for (const item of await items()) await this.#handle(item);
    });
  }

  /** Resolves once every dispatched delivery has been handled (plugin stop waits for it). */
  idle(): Promise<void> {
    return this.#work.idle();
  }

  async #handle(item: Normalized): Promise<void> {
    if ('ignored' in item) {
      this.#logger.debug({ platform: PLATFORM, reason: item.ignored }, 'WhatsApp event ignored');
      return;
    }
    const message = item.message;
    const allowed = this.#settings.allowedChats;
    if (allowed !== undefined && !allowed.has(message.channel.id)) {
      this.#logger.debug({ platform: PLATFORM, chat: message.channel.id }, 'WhatsApp chat not in allowed_chats');
      return;
    }
    if (!await this.#firstDelivery(message.id)) {
      this.#logger.debug({ platform: PLATFORM, id: message.id }, 'WhatsApp redelivery dropped');
      return;
    }
    const replaced = await this.#rememberReaction(message);
    // A name from chat_names is the operator's and flows match it; a group subject is anyone's to set, so only shown.
    const configured = this.#settings.chatNames.get(message.channel.id);
    if (configured !== undefined) message.channel.name = configured;
    else if (message.channel.type === 'group' && this.#chatName !== undefined) {
      const subject = await this.#chatName(message.channel.id);
      if (subject !== undefined) message.channel.title = subject;
    }
    // The replaced emoji goes first: ✅ changed to 👍 must end as an approval, not as its withdrawal.
    if (replaced !== undefined) await this.#submit({ ...message, id: `${message.id}:replaced`, reaction: replaced });
    await this.#submit(message);
  }

  async #submit(message: InboundMessage): Promise<void> {
    const result = await this.#sink.submit(message);
    this.#logger.debug({ platform: PLATFORM, id: message.id, status: result.status, request_id: result.requestId }, 'WhatsApp message submitted');
  }

  /** A store outage must not lose messages: better a possible duplicate than a silent drop. */
  async #firstDelivery(id: string): Promise<boolean> {
    try {
      return await isFirstDelivery(this.#store, PLATFORM, id);
    } catch (error) {
      this.#logger.warn({ platform: PLATFORM, err: error }, 'dedupe store failed; handling the message without dedupe');
      return true;
    }
  }

  /**
   * WhatsApp allows one reaction per user and message, so the last one seen is the one removed,
   * and a new one replaces it without a removal of its own. Resolves with the removal of the
   * emoji a new reaction replaced, when it differs, to hand over as well.
   */
  async #rememberReaction(message: InboundMessage): Promise<InboundMessage['reaction']> {
    const reaction = message.reaction;
    if (reaction === undefined) return undefined;
    const key = `whatsapp:reaction:${message.channel.id}:${reaction.messageId}:${message.user.id}`;
    try {
      if (reaction.removed !== true) {
        const previous = await this.#store.get(key);
        await this.#store.set(key, reaction.name, { ttlMs: REACTION_MEMORY_MS });
        if (previous !== undefined && previous !== '' && previous !== reaction.name) return { name: previous, messageId: reaction.messageId, removed: true };
        return undefined;
      }
      if (reaction.name === '') {
        reaction.name = await this.#store.get(key) ?? '';
        await this.#store.delete(key);
      }
    } catch (error) {
      this.#logger.warn({ platform: PLATFORM, err: error }, 'reaction memory failed; a removal or replacement may not say which emoji went');
    }
    return undefined;
  }

}
