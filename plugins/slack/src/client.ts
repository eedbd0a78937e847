import { LogLevel, webApi, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '@aof/api';

export type WebClient = webApi.WebClient;

/**
 * Replies must arrive: a 429 waits for Slack's Retry-After (WebClient does that itself), other
 * failures back off, a few times, before the reply is reported lost.
 */
const DELIVERY_RETRIES = { retries: 5, factor: 2, minTimeout: 200, maxTimeout: 30_000, randomize: true };
const DELIVERY_TIMEOUT_MS = 30_000;
/** Name and identity lookups only decorate a message; they must never hold one up. */
const LOOKUP_TIMEOUT_MS = 3_000;

/** One pair of WebClients per bot token: one that insists (delivery), one that gives up at once (lookups). */
export class SlackClients {
  readonly #apiUrl: string;
  readonly #logger: SlackLogger;
  readonly #delivery = new Map<string, WebClient>();
  readonly #lookup = new Map<string, WebClient>();

  constructor(options: { apiUrl: string; logger: Logger }) {
    this.#apiUrl = options.apiUrl;
    this.#logger = slackLogger(options.logger);
  }

  delivery(token: string): WebClient {
    return this.#client(this.#delivery, token, { retryConfig: DELIVERY_RETRIES, timeout: DELIVERY_TIMEOUT_MS });
  }

  lookup(token: string): WebClient {
    return this.#client(this.#lookup, token, { retryConfig: { retries: 0 }, timeout: LOOKUP_TIMEOUT_MS, rejectRateLimitedCalls: true });
  }

  #client(pool: Map<string, WebClient>, token: string, options: webApi.WebClientOptions): WebClient {
    let client = pool.get(token);
    if (client === undefined) {
      client = new webApi.WebClient(token, { ...options, slackApiUrl: this.#apiUrl, logger: this.#logger });
      pool.set(token, client);
    }
    return client;
  }
}

/**
 * The Slack SDKs log through this adapter into the daemon's logger. Their debug lines carry
 * request bodies (message text), so they are dropped; info and above are kept.
 */
export function slackLogger(logger: Logger): SlackLogger {
  const scoped = logger.child({ component: 'slack-sdk' });
  const line = (parts: unknown[]): string => parts.map((part) => (part instanceof Error ? part.message : String(part))).join(' ');
  return {
    debug: () => undefined,
    info: (...parts: unknown[]) => scoped.info(line(parts)),
    warn: (...parts: unknown[]) => scoped.warn(line(parts)),
    error: (...parts: unknown[]) => scoped.error(line(parts)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
