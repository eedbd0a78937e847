import { AofError, coreServices, definePlugin, ErrorCode, type MetricsService } from '@aof/api';
import { RedisStore, type StoreEvents } from './redis-store.js';
import { redisUrlProblem } from './redis-url.js';

export { RedisStore, type RedisStoreOptions, type StoreEvents } from './redis-store.js';
export { describeRedisUrl } from './redis-url.js';

export interface RedisStoreConfig {
  /** `redis://[user:password@]host:port/db`, or `rediss://` for TLS. */
  url: string;
  key_prefix?: string;
  connect_timeout_ms?: number;
  command_timeout_ms?: number;
}

const DEFAULT_KEY_PREFIX = 'aof:';
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;

const deps = { logger: coreServices.logger, metrics: coreServices.metrics };

/**
 * The shared state store of cluster mode: dedupe marks, limit counters, pending approvals and
 * conversation memory live in Redis, so every node sees what any node did. The daemon loads it
 * with `server.cluster_mode: true` and `server.redis_url`; naming it in `plugins:` sets its options.
 */
export const plugin = definePlugin<'store', RedisStoreConfig, typeof deps>({
  name: 'store-redis',
  kind: 'store',
  configSchema: {
    type: 'object',
    required: ['url'],
    properties: {
      // Checked before any plugin code runs (aofctl validate too); init also refuses a URL without a host.
      url: { type: 'string', pattern: '^rediss?://' },
      key_prefix: { type: 'string', default: DEFAULT_KEY_PREFIX },
      connect_timeout_ms: { type: 'integer', minimum: 1, default: DEFAULT_CONNECT_TIMEOUT_MS },
      command_timeout_ms: { type: 'integer', minimum: 1, default: DEFAULT_COMMAND_TIMEOUT_MS },
    },
    additionalProperties: false,
  },
  deps,
  init: async ({ config, deps }) => {
    const problem = redisUrlProblem(config.url);
    if (problem !== undefined) throw new AofError(ErrorCode.PLUGIN_CONFIG_INVALID, `store-redis: url ${problem}`, { plugin: 'store-redis' });
    const store = await RedisStore.open({
      url: config.url,
      keyPrefix: config.key_prefix ?? DEFAULT_KEY_PREFIX,
      connectTimeoutMs: config.connect_timeout_ms ?? DEFAULT_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: config.command_timeout_ms ?? DEFAULT_COMMAND_TIMEOUT_MS,
      logger: deps.logger,
      events: storeEvents(deps.metrics),
    });
    return { store, stop: () => store.close() };
  },
});

/** Counters to alert on: calls that failed (each one degraded a message) and connections lost. */
function storeEvents(metrics: MetricsService): StoreEvents {
  const failures = metrics.counter({ name: 'agentflow_store_call_failures_total', help: 'State store calls that failed (the caller carried on without the store).', labelNames: ['store'] });
  const outages = metrics.counter({ name: 'agentflow_store_outages_total', help: 'Times the connection to the shared state store was lost.', labelNames: ['store'] });
  return {
    callFailed: () => failures.inc({ store: 'redis' }),
    connectionLost: () => outages.inc({ store: 'redis' }),
  };
}

export default plugin;
