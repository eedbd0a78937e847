import { AfterAck, isFirstDelivery, type InboundMessage, type InboundSink, type Logger, type StateStore } from '@aof/api';
import type { SlackSettings } from './config.js';
import { normalizeEventEnvelope, PLATFORM, type Normalized } from './events.js';
import { teamOf } from './fields.js';
import { normalizeInteraction, normalizeSlashCommand } from './interactions.js';
import type { SlackLookups } from './lookups.js';
import type { SlackDelivery } from './request-body.js';

export interface DeliveryMeta {
  /** Slack's redelivery count (`X-Slack-Retry-Num`, Socket Mode `retry_attempt`); logged, dedupe does the rest. */
  retryNum?: number;
  /** The flows the credentials that vouched for the delivery may reach (`InboundMessage.flows`). */
  flows?: readonly string[];
}

/**
 * Everything after the ack, shared by the HTTP receiver and Socket Mode: normalize, drop
 * redeliveries, add names, hand over to the kernel. Runs in the background so Slack gets its
 * answer within its three seconds whatever the kernel does.
 */
export class SlackInboundPipeline {
  readonly #settings: SlackSettings;
  readonly #lookups: SlackLookups;
  readonly #store: StateStore;
  readonly #sink: InboundSink;
  readonly #logger: Logger;
  readonly #work: AfterAck;

  constructor(options: { settings: SlackSettings; lookups: SlackLookups; store: StateStore; sink: InboundSink; logger: Logger }) {
    this.#settings = options.settings;
    this.#lookups = options.lookups;
    this.#store = options.store;
    this.#sink = options.sink;
    this.#logger = options.logger;
    this.#work = new AfterAck((error) => {
      this.#logger.error({ platform: PLATFORM, err: error }, 'could not hand a Slack event to the kernel');
    });
  }

  /** Handles a delivery once this turn's acks are out (AfterAck); failures are logged, never thrown. */
  dispatch(delivery: SlackDelivery, meta: DeliveryMeta = {}): void {
    void this.#work.run(() => this.#handle(delivery, meta));
  }

  /** Resolves once every dispatched delivery has been handled (plugin stop waits for it). */
  idle(): Promise<void> {
    return this.#work.idle();
  }

  async #handle(delivery: SlackDelivery, meta: DeliveryMeta): Promise<void> {
    const normalized = await this.#normalize(delivery, Date.now());
    if ('ignored' in normalized) {
      this.#logger.debug({ platform: PLATFORM, reason: normalized.ignored }, 'Slack event ignored');
      return;
    }
    const message = normalized.message;
    if (meta.flows !== undefined) message.flows = meta.flows;
    if (!await this.#firstDelivery(message.id)) {
      this.#logger.debug({ platform: PLATFORM, id: message.id, retry_num: meta.retryNum }, 'Slack redelivery dropped');
      return;
    }
    await this.#addNames(message);
    const result = await this.#sink.submit(message);
    this.#logger.debug({ platform: PLATFORM, id: message.id, status: result.status, request_id: result.requestId }, 'Slack event submitted');
  }

  async #normalize(delivery: SlackDelivery, receivedAt: number): Promise<Normalized> {
    switch (delivery.type) {
      case 'event': {
        const botUserIds = await this.#lookups.botUserIds(teamOf(delivery.body));
        return normalizeEventEnvelope(delivery.body, { botUserIds, ignoreEdits: this.#settings.ignoreEdits, receivedAt });
      }
      case 'interaction':
        return normalizeInteraction(delivery.body, receivedAt);
      case 'command':
        return normalizeSlashCommand(delivery.body, receivedAt);
    }
  }

  /** A store outage must not lose messages: better a possible duplicate than a silent drop. */
  async #firstDelivery(id: string): Promise<boolean> {
    try {
      return await isFirstDelivery(this.#store, PLATFORM, id);
    } catch (error) {
      this.#logger.warn({ platform: PLATFORM, err: error }, 'dedupe store failed; handling the event without dedupe');
      return true;
    }
  }

  async #addNames(message: InboundMessage): Promise<void> {
    const team = message.workspace;
    const channel = message.channel;
    if (channel.name !== undefined) this.#lookups.rememberChannelName(team, channel.id, channel.name);
    const [channelName, userName] = await Promise.all([
      channel.name === undefined && channel.type !== 'dm' ? this.#lookups.channelName(team, channel.id) : undefined,
      message.user.name === undefined ? this.#lookups.userName(team, message.user.id) : undefined,
    ]);
    if (channelName !== undefined) channel.name = channelName;
    if (userName !== undefined) message.user.name = userName;
  }
}
