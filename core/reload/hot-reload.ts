import type { Logger } from '@aof/api';
import type { LoadedConfig, LoadOptions } from '../config/load-config.js';
import type { KernelMetrics } from '../metrics/metrics.js';
import { ConfigReloader, type ReloaderOptions, type ReloadReport } from './config-reloader.js';
import { watchConfig, type ConfigWatcher } from './config-watcher.js';
import { OffThreadLoader } from './off-thread-loader.js';
import { resourceDirectories, type ResourceDirectories } from './watch-targets.js';

export interface HotReloadOptions extends Pick<ReloaderOptions, 'current' | 'swap' | 'scorers' | 'drainFlow'> {
  configPath: string;
  /** The configuration loaded at boot: where the directories are, and whether to watch them. */
  config: LoadedConfig;
  /** The CLI's directory overrides, as given at boot. */
  overrides: { flowsDir?: string; agentsDir?: string };
  env: Record<string, string | undefined>;
  debounceMs: number;
  logger: Logger;
  metrics: KernelMetrics;
}

/**
 * The daemon's reload machinery: loads on a worker thread, the reloader that validates and
 * swaps, and with `agents.watch` / `flows.watch` the watcher that triggers it. The directories
 * are fixed at boot: the watcher follows them, so every reload reads them too.
 */
export class HotReload {
  readonly #options: HotReloadOptions;
  readonly #loader = new OffThreadLoader();
  readonly #directories: ResourceDirectories;
  readonly #loadOptions: LoadOptions;
  readonly #reloader: ConfigReloader;
  #watcher: ConfigWatcher | undefined;

  constructor(options: HotReloadOptions) {
    this.#options = options;
    this.#directories = resourceDirectories(options.config, options.overrides);
    this.#loadOptions = { env: options.env, flowsDir: this.#directories.flows, agentsDir: this.#directories.agents };
    this.#reloader = new ConfigReloader({
      load: () => this.#loader.load(options.configPath, this.#loadOptions),
      current: options.current,
      swap: options.swap,
      booted: options.config.daemon.spec,
      scorers: options.scorers,
      drainFlow: options.drainFlow,
      logger: options.logger,
      metrics: options.metrics,
    });
  }

  reload(trigger: string): Promise<ReloadReport> {
    return this.#reloader.reload(trigger);
  }

  /**
   * Warms the loader thread (SIGHUP and the admin API reload too, not only the watcher), then
   * starts watching when `agents.watch` or `flows.watch` asks for it.
   */
  async start(): Promise<void> {
    this.#loader.warm(this.#options.configPath, this.#loadOptions);
    const { agents, flows } = this.#options.config.daemon.spec;
    if (!agents.watch && !flows.watch) return;
    const { logger } = this.#options;
    this.#watcher = await watchConfig({
      directories: [...(agents.watch ? [this.#directories.agents] : []), ...(flows.watch ? [this.#directories.flows] : [])],
      files: [this.#options.config.daemonFile],
      debounceMs: this.#options.debounceMs,
      onChange: (changed) => {
        logger.debug({ files: changed }, 'configuration files changed');
        void this.#reloader.reload(`${changed.length} file(s) changed`);
      },
      logger,
    });
  }

  async close(): Promise<void> {
    await this.#watcher?.close();
    await this.#loader.close();
  }
}
