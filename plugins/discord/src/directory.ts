import { ChannelType, Routes } from 'discord.js';
import type { InboundMessage, Logger } from '@aof/api';
import { PLATFORM } from './events.js';
import { record, snowflake, text } from './fields.js';
import { describeError, type DiscordRest } from './rest.js';
import { TtlCache } from './ttl-cache.js';

/** What routing needs to know about a channel: its name, and for a thread the channel it hangs off. */
export interface ChannelInfo {
  id: string;
  /** Discord's channel type (0 text, 1 DM, 11 public thread, ...). */
  type: number;
  name?: string;
  parentId?: string;
}

const THREAD_TYPES: ReadonlySet<number> = new Set([ChannelType.AnnouncementThread, ChannelType.PublicThread, ChannelType.PrivateThread]);
const NAME_TTL_MS = 10 * 60 * 1000;
/** A failed lookup (missing permission, Discord down) is retried after this, not on every message. */
const FAILURE_TTL_MS = 60 * 1000;
const MAX_ENTRIES = 10_000;

/**
 * Places a message: a thread becomes `thread` under its parent channel, so flows that say
 * `channels: [production]` also match what is said in production's threads; and adds channel
 * and user names. The gateway's own cache answers first, then REST (cached). Any failure leaves
 * the ids as they are and the message goes on; concurrent lookups of one key share one call.
 */
export class DiscordDirectory {
  readonly #rest: DiscordRest;
  readonly #gatewayChannel: (id: string) => ChannelInfo | undefined;
  readonly #logger: Logger;
  /** Without a bot token REST lookups cannot authenticate; names then come from payloads only. */
  readonly #canLookUp: boolean;
  readonly #channels = new TtlCache<Promise<ChannelInfo | undefined>>({ maxEntries: MAX_ENTRIES });
  readonly #users = new TtlCache<Promise<string | undefined>>({ maxEntries: MAX_ENTRIES });

  constructor(options: { rest: DiscordRest; canLookUp: boolean; gatewayChannel: (id: string) => ChannelInfo | undefined; logger: Logger }) {
    this.#rest = options.rest;
    this.#canLookUp = options.canLookUp;
    this.#gatewayChannel = options.gatewayChannel;
    this.#logger = options.logger;
  }

  /** Fills in `thread`, the parent channel and names, in place. */
  async place(message: InboundMessage, hint?: ChannelInfo): Promise<void> {
    if (hint !== undefined) this.remember(hint);
    const userName = message.user.name === undefined ? this.userName(message.user.id) : Promise.resolve(undefined);
    if (message.channel.type !== 'dm') {
      const channel = await this.channel(message.channel.id);
      const parentId = channel !== undefined && THREAD_TYPES.has(channel.type) ? channel.parentId : undefined;
      if (channel !== undefined && parentId !== undefined) {
        const parentName = (await this.channel(parentId))?.name;
        message.thread = channel.id;
        message.channel = { id: parentId, type: 'channel', ...(parentName !== undefined && { name: parentName }) };
      } else if (channel?.name !== undefined) {
        message.channel.name = channel.name;
      }
    }
    const name = await userName;
    if (name !== undefined) message.user.name = name;
  }

  remember(info: ChannelInfo): void {
    this.#channels.set(info.id, Promise.resolve(info), NAME_TTL_MS);
  }

  channel(id: string): Promise<ChannelInfo | undefined> {
    const cached = this.#gatewayChannel(id);
    if (cached !== undefined) return Promise.resolve(cached);
    return this.#cached(this.#channels, id, 'GET /channels/:id', async () => {
      const channel = record(await this.#rest.lookup(Routes.channel(id), 'GET /channels/:id'));
      if (channel === undefined || typeof channel.type !== 'number') return undefined;
      const name = text(channel.name);
      const parentId = snowflake(channel.parent_id);
      return { id, type: channel.type, ...(name !== undefined && { name }), ...(parentId !== undefined && { parentId }) };
    });
  }

  userName(id: string): Promise<string | undefined> {
    return this.#cached(this.#users, id, 'GET /users/:id', async () => text(record(await this.#rest.lookup(Routes.user(id), 'GET /users/:id'))?.username));
  }

  #cached<V>(cache: TtlCache<Promise<V | undefined>>, key: string, what: string, fetch: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = cache.get(key);
    if (hit !== undefined) return hit.value;
    if (!this.#canLookUp) return Promise.resolve(undefined);
    const pending = fetch().catch((error: unknown) => {
      // Once per key and FAILURE_TTL_MS: enough for an operator to spot a missing permission.
      this.#logger.warn({ platform: PLATFORM, lookup: what, error: describeError(error) }, 'Discord lookup failed; keeping the id');
      return undefined;
    });
    cache.set(key, pending, NAME_TTL_MS);
    void pending.then((value) => {
      if (value === undefined) cache.set(key, pending, FAILURE_TTL_MS);
    });
    return pending;
  }
}
