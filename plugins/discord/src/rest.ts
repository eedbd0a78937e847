import { DefaultRestOptions, DiscordAPIError, HTTPError, RateLimitError, REST, type RequestData, type RESTOptions, type RouteLike } from 'discord.js';
import type { Logger } from '@aof/api';
import { PLATFORM } from './events.js';

/** Name and identity lookups only decorate a message; they must never hold one up. */
const LOOKUP_TIMEOUT_MS = 3_000;
const DELIVERY_TIMEOUT_MS = 15_000;

type Method = 'get' | 'post' | 'put' | 'patch';

/**
 * A Discord REST failure with nothing secret in it. discord.js errors carry the request URL
 * (an interaction token sits in webhook URLs) and the request body (the reply text), and error
 * objects end up in log lines; these carry the status, Discord's code and message, and a label.
 */
export class DiscordRequestError extends Error {
  readonly status: number | undefined;
  readonly code: number | string | undefined;

  constructor(label: string, cause: unknown) {
    const status = cause instanceof DiscordAPIError || cause instanceof HTTPError ? cause.status : cause instanceof RateLimitError ? 429 : undefined;
    const code = cause instanceof DiscordAPIError ? cause.code : undefined;
    const detail = cause instanceof DiscordAPIError || cause instanceof HTTPError ? cause.message : cause instanceof RateLimitError ? 'rate limited' : describeError(cause);
    super(`Discord ${label} failed${status === undefined ? '' : ` (${status}${code === undefined ? '' : `, code ${code}`})`}: ${detail}`);
    this.name = 'DiscordRequestError';
    this.status = status;
    this.code = code;
  }
}

/**
 * Two REST managers over one bot token: `delivery` waits out 429s for as long as Discord says
 * (replies must arrive) and retries 5xx; `lookup` gives up at once when rate limited or slow.
 */
export class DiscordRest {
  readonly #delivery: REST;
  readonly #lookup: REST;

  constructor(options: { apiUrl: string; botToken: string | undefined; logger: Logger }) {
    const makeRequest = loggingRateLimits(options.logger);
    this.#delivery = new REST({ api: options.apiUrl, timeout: DELIVERY_TIMEOUT_MS, makeRequest });
    this.#lookup = new REST({ api: options.apiUrl, timeout: LOOKUP_TIMEOUT_MS, retries: 0, rejectOnRateLimit: () => true, makeRequest });
    for (const rest of [this.#delivery, this.#lookup]) {
      if (options.botToken !== undefined) rest.setToken(options.botToken);
    }
  }

  /** A call that must succeed: replies, reactions, interaction answers. `label` names it in errors (never the URL). */
  deliver(method: Method, route: RouteLike, label: string, options?: RequestData): Promise<unknown> {
    return call(this.#delivery, method, route, label, options);
  }

  lookup(route: RouteLike, label: string): Promise<unknown> {
    return call(this.#lookup, 'get', route, label);
  }

  stop(): void {
    for (const rest of [this.#delivery, this.#lookup]) {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    }
  }
}

async function call(rest: REST, method: Method, route: RouteLike, label: string, options?: RequestData): Promise<unknown> {
  try {
    return await rest[method](route, options);
  } catch (error) {
    throw new DiscordRequestError(label, error);
  }
}

/**
 * discord.js waits out a 429 itself and says so only in debug output; this notes each one, by
 * route and without tokens, so an operator can see replies being held back.
 */
function loggingRateLimits(logger: Logger): RESTOptions['makeRequest'] {
  return async (url, init) => {
    const response = await DefaultRestOptions.makeRequest(url, init);
    if (response.status === 429) {
      logger.warn({ platform: PLATFORM, method: init.method, route: scrubRoute(new URL(url).pathname), retry_after_secs: response.headers.get('retry-after') }, 'Discord rate limit: waiting before retrying');
    }
    return response;
  };
}

/** Interaction and webhook tokens are path segments; rate-limit lines name the route without them. */
export function scrubRoute(route: string): string {
  return route.replace(/\/(webhooks|interactions)\/([^/]+)\/[^/?]+/, '/$1/$2/:token');
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
