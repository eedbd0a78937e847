import type {
  AofError,
  FlowsService,
  HttpService,
  InboundSink,
  Logger,
  MetricsService,
  PluginInstances,
  PluginKind,
} from '@aof/api';

/** One `plugins:` entry of the daemon config. */
export interface KernelPluginSpec {
  /** Built-in short name (`store-memory`), npm package name, or a path (`./plugins/x`). */
  use: string;
  config?: Record<string, unknown>;
  /** `false` skips the entry entirely: it is not even resolved, so it need not be installed. */
  enabled?: boolean;
  /**
   * A default the caller adds (the daemon's state store): dropped before any of its code runs
   * when another plugin of the same kind is in the list, so an unused default never connects
   * anywhere or holds anything.
   */
  fallback?: boolean;
}

export interface KernelOptions {
  /** In config order; the caller prepends built-in defaults (such as `store-memory`). */
  plugins: KernelPluginSpec[];
  /** Relative paths in `use`, and package lookups, start here (the config file's directory). */
  baseDir: string;
  logger: Logger;
  services: { http: HttpService; metrics: MetricsService; inbound: InboundSink; flows: FlowsService };
  /** Time limit of each init/start/stop call; default 10 000 ms. */
  hookTimeoutMs?: number;
}

export interface LoadedPlugin {
  name: string;
  kind: PluginKind;
  use: string;
  instance: PluginInstances[PluginKind];
}

export type HookName = 'init' | 'start' | 'stop';

export interface BootFailure {
  plugin: string;
  hook: HookName;
  error: AofError;
}

export interface BootReport {
  ok: boolean;
  failures: BootFailure[];
}
