import { STATUS_CODES } from 'node:http';
import { fastify, type FastifyError, type FastifyInstance } from 'fastify';
import type { InboundSink, LoadedFlow, Logger, MetricsService, PlatformInstance, RoutingConfig, StateStore } from '@aof/api';
import { MemoryStore } from '@aof/plugin-store-memory';
import type { RecordedInbound } from './harness.js';
import { createHostMetrics } from './host-metrics.js';
import { createLineLogger, type HostLogLevel } from './host-logger.js';
import { asPlatformInstance, loadPlatformPlugin, runPluginHook, validatedConfig, type PluginSource } from './host-plugin.js';
import { resolveDeps } from './host-services.js';
import { createRecordingSink } from './recording-sink.js';

export interface PluginHostOptions {
  /** The platform plugin: its definePlugin() value, its module namespace, or a specifier to import. */
  plugin: PluginSource;
  /** The plugin's `config:` as an operator writes it; validated against its configSchema, defaults applied. */
  config?: Record<string, unknown>;
  /** Where a relative `plugin` path resolves; the working directory by default. */
  baseDir?: string;
  /** The flow table `core.flows` lists; a function is asked on every call, as a reload swaps the table. */
  flows?: readonly LoadedFlow[] | (() => readonly LoadedFlow[]);
  routing?: RoutingConfig;
  /** Replaces the recording sink (then `inbound` stays empty), e.g. with one that answers `duplicate`. */
  inbound?: InboundSink;
  /** `core.store`; an in-memory store (closed on stop) by default. */
  store?: StateStore;
  /** Lowest level kept in `logs`; default `debug`. */
  logLevel?: HostLogLevel;
  /** As the daemon's `server.body_limit_bytes`; default 1 MiB. */
  bodyLimitBytes?: number;
  /** Time limit of each init/start/stop call; default 10 000 ms, as the daemon's. */
  hookTimeoutMs?: number;
}

export interface PluginHost {
  /** `http://127.0.0.1:<port>`: the plugin's routes, as the daemon's server would serve them. */
  url: string;
  /** Every message the plugin submitted to `core.inbound`, in order. */
  inbound: readonly RecordedInbound[];
  /** What the plugin's init returned, started. */
  platform: PlatformInstance;
  /** Every JSON log line the plugin wrote at `logLevel` and up. */
  logs: readonly string[];
  metrics: MetricsService;
  store: StateStore;
  /** Closes the server, then stops the plugin; safe to call again. Rejects if the plugin's stop failed. */
  stop(): Promise<void>;
}

const DEFAULT_ROUTING: RoutingConfig = { strict_mode: false, weights: { channel: 100, user: 80, pattern: 60, platform: 40, catch_all: 10 } };

/**
 * Boots one platform plugin the way the daemon does, for its tests and the platform contract
 * (`runPlatformContract`): validates its config and deps before running any plugin code, hands
 * init the core services (http, store, inbound, logger, metrics, flows), runs start, then
 * listens on 127.0.0.1 and a free port. Only @aof/api is needed, not the daemon.
 */
export async function startPluginHost(options: PluginHostOptions): Promise<PluginHost> {
  const plugin = await loadPlatformPlugin(options.plugin, options.baseDir ?? process.cwd());
  const config = validatedConfig(plugin, options.config);
  const logs: string[] = [];
  const logger = createLineLogger((line) => void logs.push(line), options.logLevel);
  const metrics = createHostMetrics();
  const recording = createRecordingSink();
  const store = options.store ?? new MemoryStore({ sweepIntervalMs: 60_000 });
  const { flows } = options;
  const app = fastify({ logger: false, bodyLimit: options.bodyLimitBytes ?? 1_048_576 });
  logServerErrors(app, logger);
  const timeoutMs = options.hookTimeoutMs ?? 10_000;
  let platform: PlatformInstance | undefined;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await app.close();
      try {
        const running = platform;
        if (running?.stop !== undefined) await runPluginHook(plugin.name, 'stop', () => running.stop?.(), timeoutMs);
      } finally {
        if (options.store === undefined) await store.close?.();
      }
    })();
    return stopped;
  };
  try {
    const deps = resolveDeps(plugin, {
      logger: logger.child({ plugin: plugin.name }),
      store,
      metrics,
      inbound: options.inbound ?? recording.sink,
      http: { register: (routes, registerOptions = {}) => void app.register(routes, { prefix: registerOptions.prefix }) },
      flows: { list: () => (typeof flows === 'function' ? flows() : flows ?? []), routing: () => options.routing ?? DEFAULT_ROUTING },
    });
    platform = await runPluginHook(plugin.name, 'init', async () => asPlatformInstance(plugin.name, await plugin.init({ name: plugin.name, config, deps })), timeoutMs);
    const started = platform;
    await runPluginHook(plugin.name, 'start', () => started.start?.(), timeoutMs);
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    logger.error({ plugin: plugin.name, err: error }, error instanceof Error ? error.message : String(error));
    // As the daemon: a plugin that initialized is stopped even when its start failed, to release what init acquired.
    await stop().catch(() => undefined);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, inbound: recording.messages, platform, logs, metrics, store, stop };
}

/** Fastify's own logger is off, as in the daemon: a 5xx from the plugin's routes is logged here, its details kept from the caller. */
function logServerErrors(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status < 500) return reply.code(status).send({ error: STATUS_CODES[status] ?? 'error', message: error.message });
    logger.error({ err: error, method: request.method, url: request.url }, 'request failed');
    return reply.code(status).send({ error: 'internal_error', message: 'internal server error' });
  });
}
