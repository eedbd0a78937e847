import type { DaemonConfigSpec, LoadedFlow, Logger } from '@aof/api';
import { formatProblem, type ConfigProblem, type LoadedConfig } from '../config/load-config.js';
import { buildSnapshot, type ConfigSnapshot } from '../daemon/config-snapshot.js';
import type { KernelMetrics } from '../metrics/metrics.js';
import type { ScorerEntry } from '../router/flow-router.js';
import { keepUnchangedFlows } from './flow-identity.js';
import { newProblems, restartOnlyChanges } from './reload-policy.js';
import { vanishedSources } from './vanished-sources.js';

export interface ReloadReport {
  ok: boolean;
  /** Generation of the configuration in force after this reload. */
  generation: number;
  /** Why the reload was rejected, one `file:line:column: error ...` line each. */
  errors: string[];
  /** Daemon config fields that differ from what the process started with and only apply after a restart. */
  restartRequired: string[];
}

export interface ReloaderOptions {
  /** Loads the configuration again, from the same files and with the same overrides as at boot. */
  load: () => Promise<LoadedConfig>;
  current: () => ConfigSnapshot;
  /** Puts a snapshot in force; messages routed from now on use it. */
  swap: (next: ConfigSnapshot) => void;
  /**
   * The daemon config the process was started with: what its server, platforms and plugins
   * were built from, so what a restart would change is measured against it, not against the
   * last reload.
   */
  booted: DaemonConfigSpec;
  /** The scorer plugins the boot snapshot was built with. */
  scorers: readonly ScorerEntry[];
  /** Closes a removed flow's sandbox pools once its running tasks finish. */
  drainFlow: (name: string) => Promise<void>;
  logger: Logger;
  metrics: KernelMetrics;
}

/**
 * Reloads flows, agents, routing and limits: loads them off to the side, keeps the last good
 * snapshot when the load has new errors (see reload-policy.ts), and otherwise swaps in a new
 * snapshot atomically. Messages already routed finish on the snapshot they started with.
 * Reloads run one at a time; requests arriving during one share the single reload after it.
 */
export class ConfigReloader {
  readonly #options: ReloaderOptions;
  #running: Promise<unknown> = Promise.resolve();
  #pending: Promise<ReloadReport> | undefined;

  constructor(options: ReloaderOptions) {
    this.#options = options;
  }

  /**
   * Reloads from the files as they are when the reload starts; `trigger` says why, for the log.
   * Never rejects: whatever goes wrong is a report with `ok: false`.
   */
  reload(trigger: string): Promise<ReloadReport> {
    this.#pending ??= this.#running.then(async () => {
      this.#pending = undefined;
      try {
        return await this.#reloadNow(trigger);
      } catch (error) {
        // A bug must cost this reload, never the next ones: a rejected chain would answer every later reload with it.
        this.#options.logger.error({ trigger, err: error }, 'configuration reload failed');
        return this.#reject(this.#options.current(), [`the reload failed: ${error instanceof Error ? error.message : String(error)}`], trigger);
      }
    });
    this.#running = this.#pending;
    return this.#pending;
  }

  async #reloadNow(trigger: string): Promise<ReloadReport> {
    const { logger, metrics } = this.#options;
    const current = this.#options.current();
    let next: LoadedConfig;
    try {
      next = await this.#options.load();
    } catch (error) {
      // Only an unreadable daemon config file throws; everything else is a problem in the result.
      return this.#reject(current, [(error as Error).message], trigger);
    }
    const errors = newProblems(current.config.problems, next.problems, 'error');
    if (errors.length > 0) {
      for (const problem of errors) logger.error(problemFields(problem), formatProblem(problem));
      return this.#reject(current, errors.map(formatProblem), trigger);
    }
    const vanished = await vanishedSources(current.config, next);
    if (vanished.length > 0) {
      for (const reason of vanished) logger.error({ trigger }, reason);
      return this.#reject(current, vanished, trigger);
    }
    for (const problem of newProblems(current.config.problems, next.problems, 'warning')) logger.warn(problemFields(problem), formatProblem(problem));

    let snapshot: ConfigSnapshot;
    try {
      snapshot = buildSnapshot({ ...next, flows: keepUnchangedFlows(current.config.flows, next.flows) }, this.#options.scorers, current.generation + 1);
    } catch (error) {
      // A scorer plugin refusing the new flow table, say: the old router keeps serving.
      return this.#reject(current, [`the new configuration could not be built: ${(error as Error).message}`], trigger);
    }
    this.#options.swap(snapshot);
    metrics.reload('ok', snapshot.generation);
    const changes = flowChanges(current.config.flows, next.flows);
    for (const name of changes.removed) {
      this.#options.drainFlow(name).catch((error: unknown) => logger.warn({ flow: name, err: error }, 'could not close the pools of a removed flow'));
    }
    const restartRequired = restartOnlyChanges(this.#options.booted, next.daemon.spec);
    if (restartRequired.length > 0) {
      logger.warn({ fields: restartRequired }, `daemon config changes to ${restartRequired.join(', ')} take effect after a restart; flows, agents, routing and limits were reloaded`);
    }
    logger.info({
      trigger,
      generation: snapshot.generation,
      flows: next.flows.length,
      active_flows: next.flows.filter((f) => f.active).length,
      agents: next.agents.length,
      added: changes.added.length,
      removed: changes.removed.length,
    }, 'configuration reloaded');
    return { ok: true, generation: snapshot.generation, errors: [], restartRequired };
  }

  #reject(current: ConfigSnapshot, errors: string[], trigger: string): ReloadReport {
    this.#options.metrics.reload('error', current.generation);
    this.#options.logger.error({ trigger, generation: current.generation, errors: errors.length }, 'configuration reload rejected; the last good configuration stays in force');
    return { ok: false, generation: current.generation, errors, restartRequired: [] };
  }
}

function problemFields(problem: ConfigProblem): Record<string, unknown> {
  return { file: problem.file, line: problem.line, path: problem.path, code: problem.code };
}

/** Active flows that appeared or went away (a flow turned inactive is gone as far as its pools go). */
function flowChanges(before: readonly LoadedFlow[], after: readonly LoadedFlow[]): { added: string[]; removed: string[] } {
  const names = (flows: readonly LoadedFlow[]): Set<string> => new Set(flows.filter((f) => f.active).map((f) => f.flow.metadata.name));
  const old = names(before);
  const now = names(after);
  return { added: [...now].filter((n) => !old.has(n)), removed: [...old].filter((n) => !now.has(n)) };
}
