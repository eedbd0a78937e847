import type { Logger } from '@aof/api';
import type { SlackClients } from './client.js';
import type { SlackSettings } from './config.js';
import { record, text } from './fields.js';
import { TtlCache } from './ttl-cache.js';

const NAME_TTL_MS = 10 * 60 * 1000;
const IDENTITY_TTL_MS = 60 * 60 * 1000;
/** A failed lookup (missing scope, Slack down) is retried after this, not on every message. */
const FAILURE_TTL_MS = 60 * 1000;
const MAX_ENTRIES = 10_000;

/**
 * Names let flows say `channels: [production]` and `users: [alice]`; ids stay authoritative, so
 * any failure here leaves the name out and the message goes on. Concurrent lookups of one key
 * share a single call.
 */
export class SlackLookups {
  readonly #clients: SlackClients;
  readonly #settings: SlackSettings;
  readonly #logger: Logger;
  readonly #names = new TtlCache<Promise<string | undefined>>({ maxEntries: MAX_ENTRIES });
  readonly #botUsers = new TtlCache<Promise<string | undefined>>({ maxEntries: 1_000 });

  constructor(options: { clients: SlackClients; settings: SlackSettings; logger: Logger }) {
    this.#clients = options.clients;
    this.#settings = options.settings;
    this.#logger = options.logger;
  }

  channelName(team: string | undefined, channelId: string): Promise<string | undefined> {
    return this.#cachedName(`channel:${team ?? ''}:${channelId}`, 'conversations.info', team, async (token) => {
      const response = await this.#clients.lookup(token).conversations.info({ channel: channelId });
      return text(record(response.channel)?.name);
    });
  }

  userName(team: string | undefined, userId: string): Promise<string | undefined> {
    return this.#cachedName(`user:${team ?? ''}:${userId}`, 'users.info', team, async (token) => {
      const response = await this.#clients.lookup(token).users.info({ user: userId });
      return text(record(response.user)?.name);
    });
  }

  /** A name Slack sent in the payload itself (slash commands, interactions) spares a lookup later. */
  rememberChannelName(team: string | undefined, channelId: string, name: string): void {
    this.#names.set(`channel:${team ?? ''}:${channelId}`, Promise.resolve(name), NAME_TTL_MS);
  }

  /** The bot's user id in `team`: from the config, else asked once per token with auth.test. */
  async botUserIds(team: string | undefined): Promise<ReadonlySet<string>> {
    const configured = this.#settings.botUserId(team);
    if (configured !== undefined) return new Set([configured]);
    const token = this.#settings.botToken(team);
    if (token === undefined) return new Set();
    const id = await this.#cached(this.#botUsers, token, 'auth.test', IDENTITY_TTL_MS, async () => text((await this.#clients.lookup(token).auth.test()).user_id));
    return new Set(id === undefined ? [] : [id]);
  }

  #cachedName(key: string, method: string, team: string | undefined, fetch: (token: string) => Promise<string | undefined>): Promise<string | undefined> {
    const token = this.#settings.botToken(team);
    if (!this.#settings.resolveNames || token === undefined) return Promise.resolve(undefined);
    return this.#cached(this.#names, key, method, NAME_TTL_MS, () => fetch(token));
  }

  /** `key` may hold a token (auth.test is per token), so only `method` is ever logged. */
  #cached(cache: TtlCache<Promise<string | undefined>>, key: string, method: string, ttlMs: number, fetch: () => Promise<string | undefined>): Promise<string | undefined> {
    const hit = cache.get(key);
    if (hit !== undefined) return hit.value;
    const pending = fetch().catch((error: unknown) => {
      // Once per key and FAILURE_TTL_MS: enough for an operator to spot a missing scope.
      this.#logger.warn({ method, error: error instanceof Error ? error.message : String(error) }, 'Slack lookup failed; keeping the id');
      return undefined;
    });
    cache.set(key, pending, ttlMs);
    void pending.then((value) => {
      if (value === undefined) cache.set(key, pending, FAILURE_TTL_MS);
    });
    return pending;
  }
}
