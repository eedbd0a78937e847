import { LogLevel, webApi, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '@aof/api';
import { SlackDeliveryClient } from './delivery-client.js';

export type WebClient = webApi.WebClient;
export { SlackApiError, SlackDeliveryClient } from './delivery-client.js';

/** Name and identity lookups only decorate a message; they must never hold one up. */
const LOOKUP_TIMEOUT_MS = 3_000;

/**
 * Per bot token, a client that insists (delivery: replies and approval requests must arrive) and
 * a WebClient that gives up at once (lookups).
 */
export class SlackClients {
  readonly #apiUrl: string;
  readonly #logger: Logger;
  readonly #sdkLogger: SlackLogger;
  readonly #delivery = new Map<string, SlackDeliveryClient>();
  readonly #lookup = new Map<string, WebClient>();

  constructor(options: { apiUrl: string; logger: Logger }) {
    this.#apiUrl = options.apiUrl;
    this.#logger = options.logger;
    this.#sdkLogger = slackLogger(options.logger);
  }

  delivery(token: string): SlackDeliveryClient {
    let client = this.#delivery.get(token);
    if (client === undefined) {
      client = new SlackDeliveryClient({ apiUrl: this.#apiUrl, token, logger: this.#logger });
      this.#delivery.set(token, client);
    }
    return client;
  }

  /** Closes the delivery clients' kept-alive connections. */
  close(): void {
    for (const client of this.#delivery.values()) client.close();
    this.#delivery.clear();
  }

  lookup(token: string): WebClient {
    let client = this.#lookup.get(token);
    if (client === undefined) {
      client = new webApi.WebClient(token, { retryConfig: { retries: 0 }, timeout: LOOKUP_TIMEOUT_MS, rejectRateLimitedCalls: true, slackApiUrl: this.#apiUrl, logger: this.#sdkLogger });
      this.#lookup.set(token, client);
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
