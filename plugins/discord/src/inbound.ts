import { Routes } from 'discord.js';
import { AfterAck, DEDUPE_TTL_MS, isFirstDelivery, type InboundMessage, type InboundSink, type Logger, type StateStore } from '@aof/api';
import { servesGuild, type DiscordSettings } from './config.js';
import type { DiscordDirectory } from './directory.js';
import { normalizeDispatch, PLATFORM, type Normalized } from './events.js';
import { record, snowflake, text, type Fields } from './fields.js';
import type { InteractionReplies } from './interaction-replies.js';
import { interactionAck, normalizeInteraction, notServedResponse } from './interactions.js';
import { describeError, type DiscordRest } from './rest.js';

/**
 * Reaction events have no id of their own, so their dedupe key is who/what/which message; a short
 * window drops a copy another gateway session delivered without eating a reaction added again later.
 */
const REACTION_DEDUPE_TTL_MS = 60 * 1000;

/** What the gateway learned at READY. */
export interface GatewayIdentity {
  botUserId(): string | undefined;
  applicationId(): string | undefined;
}

export interface InboundPipelineOptions {
  settings: DiscordSettings;
  directory: DiscordDirectory;
  replies: InteractionReplies;
  rest: DiscordRest;
  identity: GatewayIdentity;
  store: StateStore;
  sink: InboundSink;
  logger: Logger;
}

/**
 * Everything after the ack, shared by the gateway and the HTTP interactions endpoint: normalize,
 * filter guilds, drop redeliveries, place threads and add names, hand over to the kernel. Runs
 * in the background so neither transport waits for the kernel.
 */
export class DiscordInboundPipeline {
  readonly #options: InboundPipelineOptions;
  readonly #work: AfterAck;

  constructor(options: InboundPipelineOptions) {
    this.#options = options;
    this.#work = new AfterAck((error) => {
      options.logger.error({ platform: PLATFORM, error: describeError(error) }, 'could not hand a Discord event to the kernel');
    });
  }

  /** A gateway dispatch. Interactions that come this way are acknowledged over REST first. */
  dispatchGateway(packet: Fields): void {
    this.#run(async () => {
      if (packet.t !== 'INTERACTION_CREATE') {
        const { settings, identity } = this.#options;
        await this.#submit(normalizeDispatch(packet, {
          botUserId: identity.botUserId(),
          ignoreEdits: settings.ignoreEdits,
          mentionsOnly: settings.mentionsOnly,
          receivedAt: Date.now(),
        }));
        return;
      }
      const body = record(packet.d);
      if (body !== undefined && await this.#acknowledge(body)) await this.#interaction(body);
    });
  }

  /** An interaction the HTTP endpoint has verified and already answered. */
  dispatchInteraction(body: Fields): void {
    this.#run(() => this.#interaction(body));
  }

  /** Resolves once every dispatched event has been handled (plugin stop waits for it). */
  idle(): Promise<void> {
    return this.#work.idle();
  }

  /** Once this turn's acks are out (AfterAck); failures are logged, never thrown. */
  #run(handle: () => Promise<void>): void {
    void this.#work.run(handle);
  }

  async #interaction(body: Fields): Promise<void> {
    await this.#submit(normalizeInteraction(body, Date.now()), (message) => this.#rememberCommand(message, body));
  }

  async #submit(normalized: Normalized, beforeSubmit?: (message: InboundMessage) => Promise<void>): Promise<void> {
    const { logger, settings, directory, sink } = this.#options;
    if ('ignored' in normalized) {
      logger.debug({ platform: PLATFORM, reason: normalized.ignored }, 'Discord event ignored');
      return;
    }
    const { message } = normalized;
    if (!servesGuild(settings, message.workspace)) {
      logger.debug({ platform: PLATFORM, guild: message.workspace ?? '(dm)' }, 'Discord event from a guild (or DM) this daemon does not serve');
      return;
    }
    if (!await this.#firstDelivery(message)) {
      logger.debug({ platform: PLATFORM, id: message.id }, 'Discord redelivery dropped');
      return;
    }
    await directory.place(message, normalized.channelHint);
    await beforeSubmit?.(message);
    const result = await sink.submit(message);
    logger.debug({ platform: PLATFORM, id: message.id, status: result.status, request_id: result.requestId }, 'Discord event submitted');
  }

  /** A store outage must not lose messages: better a possible duplicate than a silent drop. */
  async #firstDelivery(message: InboundMessage): Promise<boolean> {
    try {
      return await isFirstDelivery(this.#options.store, PLATFORM, message.id, message.kind === 'reaction' ? REACTION_DEDUPE_TTL_MS : DEDUPE_TTL_MS);
    } catch (error) {
      this.#options.logger.warn({ platform: PLATFORM, error: describeError(error) }, 'dedupe store failed; handling the event without dedupe');
      return true;
    }
  }

  /** The kernel answers a command with `replyTo` = its id; the token lets that answer replace "thinking...". */
  async #rememberCommand(message: InboundMessage, body: Fields): Promise<void> {
    const token = text(body.token);
    if (message.kind !== 'command' || token === undefined) return;
    const { settings, identity, replies, logger } = this.#options;
    const applicationId = snowflake(body.application_id) ?? settings.applicationId ?? identity.applicationId();
    if (applicationId === undefined) {
      logger.warn({ platform: PLATFORM }, 'slash command without an application id (set application_id): its answer goes to the channel');
      return;
    }
    try {
      await replies.remember(message.id, applicationId, token);
    } catch (error) {
      logger.warn({ platform: PLATFORM, error: describeError(error) }, 'could not keep the interaction token; the answer goes to the channel');
    }
  }

  /**
   * Gateway interactions are answered through the callback endpoint within Discord's three
   * seconds. Only one answer is accepted, so when several sessions receive the same interaction
   * the one whose answer Discord took handles it.
   */
  async #acknowledge(body: Fields): Promise<boolean> {
    const { settings, rest, logger } = this.#options;
    const id = snowflake(body.id);
    const token = text(body.token);
    const served = servesGuild(settings, snowflake(body.guild_id));
    const answer = served ? interactionAck(body) : notServedResponse(body);
    if (id === undefined || token === undefined || answer === undefined) {
      logger.debug({ platform: PLATFORM, type: body.type }, 'Discord interaction ignored');
      return false;
    }
    try {
      await rest.deliver('post', Routes.interactionCallback(id, token), 'POST /interactions/:id/:token/callback', { body: answer, auth: false });
    } catch (error) {
      logger.warn({ platform: PLATFORM, id, error: describeError(error) }, 'could not acknowledge a Discord interaction; dropping it');
      return false;
    }
    return served;
  }
}
