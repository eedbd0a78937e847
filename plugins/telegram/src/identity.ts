import type { Logger } from '@aof/api';
import { telegrafSignal, type TelegramApi } from './client.js';
import type { TelegramSettings } from './config.js';
import { text } from './fields.js';

/** Who the bot is: its id (from the token) and, once known, its @username without the `@`. */
export interface BotIdentity {
  id: string;
  username?: string;
}

const LOOKUP_TIMEOUT_MS = 5_000;
/** A failed getMe (Telegram unreachable) is asked again after this, not on every update. */
const FAILURE_RETRY_MS = 60_000;

/**
 * The username strips `@bot` mentions and `/cmd@bot` suffixes. It comes from the config, else
 * from one getMe (concurrent callers share the call); without it mentions simply stay in the text.
 */
export class TelegramIdentity {
  readonly #settings: TelegramSettings;
  readonly #api: TelegramApi;
  readonly #logger: Logger;
  #username: Promise<string | undefined> | undefined;
  #failedAt = 0;

  constructor(options: { settings: TelegramSettings; api: TelegramApi; logger: Logger }) {
    this.#settings = options.settings;
    this.#api = options.api;
    this.#logger = options.logger;
  }

  async get(): Promise<BotIdentity> {
    const id = this.#settings.botId;
    if (this.#settings.botUsername !== undefined) return { id, username: this.#settings.botUsername };
    if (this.#username === undefined || (this.#failedAt > 0 && Date.now() - this.#failedAt > FAILURE_RETRY_MS)) {
      this.#failedAt = 0;
      this.#username = this.username().catch((error: unknown) => {
        this.#failedAt = Date.now();
        this.#logger.warn({ platform: 'telegram', method: 'getMe', error: this.#api.describe(error) }, 'Telegram getMe failed; bot mentions stay in the text');
        return undefined;
      });
    }
    const username = await this.#username;
    return username === undefined ? { id } : { id, username };
  }

  /** Asks getMe, within a few seconds; rejects when Telegram refuses the token or cannot be reached. */
  async username(): Promise<string | undefined> {
    const me = await this.#api.telegram.callApi('getMe', {}, { signal: telegrafSignal(AbortSignal.timeout(LOOKUP_TIMEOUT_MS)) });
    return text(me.username);
  }
}
