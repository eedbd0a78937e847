import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Events, GatewayIntentBits, Options } from 'discord.js';
import type { Logger } from '@aof/api';
import type { ChannelInfo } from './directory.js';
import { PLATFORM } from './events.js';
import { record, snowflake, type Fields } from './fields.js';
import type { GatewayIdentity } from './inbound.js';
import { describeError } from './rest.js';

/** start() waits this long for READY, under the kernel's 10 s limit for a start hook. */
const START_WAIT_MS = 8_000;
const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 60_000;

/** Messages in guild channels and DMs (with their text) and reactions on them. */
const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.GuildMessageReactions,
  GatewayIntentBits.DirectMessages,
  GatewayIntentBits.DirectMessageReactions,
];

/** Refusals that no retry can fix: a wrong token, or intents the Developer Portal has not enabled. */
const FATAL = /TokenInvalid|Authentication failed|disallowed intents|invalid intents|Sharding is required|invalid API version/i;

export interface DiscordGatewayOptions {
  apiUrl: string;
  botToken: string;
  /** Every dispatch (`op: 0`), as Discord sent it. */
  onDispatch(packet: Fields): void;
  logger: Logger;
}

/**
 * The gateway connection, kept by discord.js (heartbeats, resume, reconnects, its channel cache).
 * The plugin reads the raw dispatches rather than discord.js's objects: they are exactly what the
 * fixtures hold, and need no cache entry (discord.js drops events for uncached DMs and messages
 * unless partials are enabled, which the raw stream does not need).
 */
export class DiscordGateway implements GatewayIdentity {
  readonly #options: DiscordGatewayOptions;
  readonly #stopping = new AbortController();
  #client: Client | undefined;
  #botUserId: string | undefined;
  #applicationId: string | undefined;

  constructor(options: DiscordGatewayOptions) {
    this.#options = options;
  }

  botUserId(): string | undefined {
    return this.#botUserId;
  }

  applicationId(): string | undefined {
    return this.#applicationId;
  }

  /** A channel discord.js already knows from GUILD_CREATE and channel events. */
  cachedChannel(id: string): ChannelInfo | undefined {
    const channel = this.#client?.channels.cache.get(id);
    if (channel === undefined) return undefined;
    const name = 'name' in channel && typeof channel.name === 'string' && channel.name !== '' ? channel.name : undefined;
    const parentId = channel.isThread() ? channel.parentId ?? undefined : undefined;
    return { id, type: channel.type, ...(name !== undefined && { name }), ...(parentId !== undefined && { parentId }) };
  }

  /**
   * Resolves at READY, or after START_WAIT_MS with the connection still being tried in the
   * background (Discord being unreachable must not keep the daemon from serving other platforms).
   * Rejects only for a refusal no retry can fix.
   */
  async start(): Promise<void> {
    let started = false;
    const connected = this.#connect();
    connected.catch((error: unknown) => {
      if (started) this.#options.logger.error({ platform: PLATFORM, error: describeError(error) }, 'Discord gateway refused the bot; messages and reactions will not arrive');
    });
    const waiting = new AbortController();
    const outcome = await Promise.race([
      connected.then(() => 'ready' as const),
      sleep(START_WAIT_MS, 'pending' as const, { signal: waiting.signal }).catch(() => 'pending' as const),
    ]).finally(() => {
      waiting.abort();
      started = true;
    });
    if (outcome === 'pending') this.#options.logger.warn({ platform: PLATFORM }, 'Discord gateway not connected yet; still trying in the background');
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    const client = this.#client;
    this.#client = undefined;
    await client?.destroy();
  }

  async #connect(): Promise<void> {
    for (let attempt = 0; !this.#stopping.signal.aborted; attempt += 1) {
      const client = this.#createClient();
      this.#client = client;
      try {
        await client.login(this.#options.botToken);
        // stop() may have come while login was under way; the connection it opened must not outlive the plugin.
        if (this.#stopping.signal.aborted) {
          await client.destroy();
          return;
        }
        this.#options.logger.info({ platform: PLATFORM, bot_user_id: this.#botUserId }, 'Discord gateway connected');
        return;
      } catch (error) {
        // login() has destroyed the client already; a stop() meanwhile ends the loop quietly.
        if (this.#client === client) this.#client = undefined;
        if (this.#stopping.signal.aborted) return;
        const reason = describeError(error);
        if (FATAL.test(reason)) throw new Error(`Discord refused the gateway login (${reason}); check bot_token and the Message Content intent`);
        const retryInMs = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt);
        this.#options.logger.warn({ platform: PLATFORM, attempt: attempt + 1, retry_in_ms: retryInMs, error: reason }, 'Discord gateway connection failed; retrying');
        await sleep(retryInMs, undefined, { signal: this.#stopping.signal }).catch(() => undefined);
      }
    }
  }

  #createClient(): Client {
    const { logger } = this.#options;
    const client = new Client({
      intents: INTENTS,
      rest: { api: this.#options.apiUrl },
      // Messages are read from the raw stream, never from discord.js's cache; a long-running daemon need not keep them.
      makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
    });
    client.on(Events.Raw, (packet: unknown) => {
      const fields = record(packet);
      if (fields === undefined) return;
      if (fields.t === 'READY') this.#identify(record(fields.d));
      this.#options.onDispatch(fields);
    });
    // An EventEmitter without an error listener throws; these are connection news, not failures of the daemon.
    client.on(Events.Error, (error) => logger.error({ platform: PLATFORM, error: describeError(error) }, 'Discord gateway error'));
    client.on(Events.ShardError, (error) => logger.warn({ platform: PLATFORM, error: describeError(error) }, 'Discord gateway connection error'));
    client.on(Events.ShardReconnecting, () => logger.info({ platform: PLATFORM }, 'Discord gateway reconnecting'));
    client.on(Events.ShardResume, () => logger.info({ platform: PLATFORM }, 'Discord gateway resumed'));
    client.on(Events.ShardDisconnect, (event) => logger.error({ platform: PLATFORM, code: event.code }, 'Discord gateway closed for good'));
    return client;
  }

  #identify(ready: Fields | undefined): void {
    this.#botUserId = snowflake(record(ready?.user)?.id) ?? this.#botUserId;
    this.#applicationId = snowflake(record(ready?.application)?.id) ?? this.#applicationId;
  }
}
