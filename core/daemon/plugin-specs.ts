import type { PlatformConfig, PluginEntry } from '@aof/api';
import { envNamedKeys, namesVariable } from '../config/env-named-keys.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { KernelPluginSpec } from '../kernel/kernel.js';

/** Built-ins every daemon runs unless the config names them itself. */
const DEFAULT_SCORER = 'scorer-weighted';
const MEMORY_STORE = 'store-memory';
/** Cluster mode's shared store; its url defaults to `server.redis_url`. */
const REDIS_STORE = 'store-redis';
const DEFAULT_TOOLS_AND_MODELS = ['kubectl', 'helm', 'shell', 'http', 'echo', 'command', 'openai', 'anthropic'];
/** The built-in approval strategies flows pick with `approval.strategy` (reaction is the default). */
const DEFAULT_APPROVAL_STRATEGIES = ['approval-command', 'approval-button', 'approval-reaction'];

export interface PluginSpecOptions {
  /** Include the enabled platforms' plugins (off for offline commands such as `aofctl route`). */
  platforms: boolean;
  /**
   * In cluster mode, default to the Redis store at `server.redis_url`. Off for offline commands:
   * they share nothing, so they skip any Redis store and `aofctl route` works on a laptop that
   * cannot reach the cluster's Redis.
   */
  clusterStore: boolean;
  env: Record<string, string | undefined>;
}

/**
 * The plugin list the kernel loads, in order: the weighted scorer first (custom scorers adjust
 * its score), the configured plugins, the enabled platforms, and the default store last, as a
 * fallback (a configured store replaces it before it runs): memory, or Redis in cluster mode.
 */
export function pluginSpecs(config: LoadedConfig, options: PluginSpecOptions): KernelPluginSpec[] {
  const { server } = config.daemon.spec;
  const configured = config.daemon.spec.plugins.map(normalizeEntry)
    .filter((entry) => entry.enabled !== false && (options.clusterStore || entry.use !== REDIS_STORE))
    .map((entry) => withRedisUrl(entry, server.redis_url));
  const specs: KernelPluginSpec[] = [];
  if (!configured.some((entry) => entry.use === DEFAULT_SCORER)) specs.push({ use: DEFAULT_SCORER });
  specs.push(...configured);
  if (options.platforms) {
    for (const platform of config.enabledPlatforms) {
      const block = config.daemon.spec.platforms[platform] ?? {};
      const pluginConfig = platformPluginConfig(block, options.env);
      // The local platform's token defaults to $AOF_LOCAL_TOKEN, so no config is needed to set one.
      if (platform === 'local' && pluginConfig.token === undefined && options.env.AOF_LOCAL_TOKEN) pluginConfig.token = options.env.AOF_LOCAL_TOKEN;
      specs.push({ use: platform, config: pluginConfig });
    }
  }
  for (const builtin of [...DEFAULT_TOOLS_AND_MODELS, ...DEFAULT_APPROVAL_STRATEGIES]) {
    if (!configured.some((entry) => entry.use === builtin)) specs.push({ use: builtin });
  }
  const store: KernelPluginSpec = options.clusterStore && server.cluster_mode === true && server.redis_url !== undefined
    ? { use: REDIS_STORE, config: { url: server.redis_url }, fallback: true }
    : { use: MEMORY_STORE, fallback: true };
  if (!configured.some((entry) => entry.use === store.use)) specs.push(store);
  return specs;
}

/** A `store-redis` entry written for its other options (a key prefix) connects to `server.redis_url`. */
function withRedisUrl(entry: KernelPluginSpec, redisUrl: string | undefined): KernelPluginSpec {
  if (entry.use !== REDIS_STORE || redisUrl === undefined) return entry;
  const config = entry.config ?? {};
  return 'url' in config ? entry : { ...entry, config: { ...config, url: redisUrl } };
}

function normalizeEntry(entry: PluginEntry | string): KernelPluginSpec {
  return typeof entry === 'string' ? { use: entry } : { ...entry };
}

/**
 * Secrets may be named by environment variable (`bot_token_env: SLACK_BOT_TOKEN`); the plugin
 * gets the value under the plain key so it never reads the process environment itself.
 */
export function platformPluginConfig(block: PlatformConfig, env: Record<string, string | undefined>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(block)) {
    if (key !== 'enabled' && !namesVariable(key, value)) config[key] = value;
  }
  for (const { plainKey, value } of envNamedKeys(block, env)) {
    if (value !== undefined) config[plainKey] = value;
  }
  return config;
}
