import {
  AofError,
  coreServices,
  ErrorCode,
  isAofError,
  type Logger,
  type MetricsService,
  type PluginInstances,
  type PluginKind,
  type StateStore,
  type StoreInstance,
} from '@aof/api';
import type { DependencyContainer } from 'tsyringe';
import { pluginsLoadedGauge } from '../metrics/kernel-series.js';
import { checkInstance } from './check-instance.js';
import { dependencyOrder } from './dependency-order.js';
import { describeCause } from './describe-cause.js';
import { importPlugin } from './resolve-plugin.js';
import { createKernelScope } from './root-container.js';
import { runHook } from './run-hook.js';
import type { BootFailure, BootReport, HookName, KernelOptions, KernelPluginSpec, LoadedPlugin } from './types.js';
import { validatePlugins, type ImportedPlugin, type ValidatedPlugin } from './validate-plugins.js';

export type { BootFailure, BootReport, HookName, KernelOptions, KernelPluginSpec, LoadedPlugin } from './types.js';

const DEFAULT_HOOK_TIMEOUT_MS = 10_000;

type Instance = PluginInstances[PluginKind];

interface PluginSlot extends ValidatedPlugin {
  name: string;
  /** The plugin's own child container: its scoped logger, and through the parent, everything else. */
  container: DependencyContainer;
  instance?: Instance;
}

/**
 * Loads plugins, wires their dependencies and runs their lifecycle. `load` finds every problem
 * before any plugin hook runs; `init`/`start` keep going past failures and report them all;
 * `stop` runs in reverse and is safe to call again.
 */
export class Kernel {
  readonly #slots: PluginSlot[];
  readonly #scope: DependencyContainer;
  readonly #storePlugin: string | undefined;
  readonly #logger: Logger;
  readonly #metrics: MetricsService;
  readonly #hookTimeoutMs: number;
  readonly #started = new Set<string>();
  #initRun: Promise<BootReport> | undefined;
  #startRun: Promise<BootReport> | undefined;
  #stopRun: Promise<BootReport> | undefined;

  /** Resolves, imports and validates every enabled plugin; throws an AggregateError of AofErrors. */
  static async load(options: KernelOptions): Promise<Kernel> {
    const { errors, order, storePlugin } = await resolvePlugins(options);
    if (errors.length > 0) {
      throw new AggregateError(errors, `${errors.length} plugin error(s): ${errors.map((error) => `${error.code}: ${error.message}`).join('; ')}`);
    }
    return new Kernel(options, order, storePlugin);
  }

  /**
   * Every problem `load` would throw for (a plugin not found, a config its schema refuses, a
   * missing dependency, a cycle), without running any plugin code: what `aofctl validate` checks.
   * Each comes with the `use` of the spec it concerns, where it concerns one.
   */
  static async check(options: Pick<KernelOptions, 'plugins' | 'baseDir'>): Promise<PluginProblem[]> {
    const { errors, uses } = await resolvePlugins(options);
    return errors.map((error) => {
      const use = error.plugin === undefined ? undefined : uses.get(error.plugin);
      return use === undefined ? { error } : { error, use };
    });
  }

  private constructor(options: KernelOptions, order: readonly OrderedPlugin[], storePlugin: string | undefined) {
    this.#logger = options.logger;
    this.#metrics = options.services.metrics;
    this.#hookTimeoutMs = options.hookTimeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
    this.#storePlugin = storePlugin;
    this.#scope = createKernelScope({
      [coreServices.logger.id]: options.logger,
      [coreServices.http.id]: options.services.http,
      [coreServices.metrics.id]: options.services.metrics,
      [coreServices.inbound.id]: options.services.inbound,
      [coreServices.flows.id]: options.services.flows,
    });
    this.#slots = order.map((plugin) => {
      const container = this.#scope.createChildContainer();
      container.register(coreServices.logger.id, { useValue: options.logger.child({ plugin: plugin.name }) });
      return { ...plugin, container };
    });
  }

  /** Runs `init` in dependency order; a plugin whose dependency failed is skipped and reported. */
  init(): Promise<BootReport> {
    if (this.#initRun === undefined && this.#stopRun !== undefined) return Promise.reject(new Error('the kernel was stopped before init()'));
    this.#initRun ??= this.#runInit();
    return this.#initRun;
  }

  /** Runs `start` in dependency order; later plugins still start unless they depend on a failed one. */
  start(): Promise<BootReport> {
    if (this.#initRun === undefined) return Promise.reject(new Error('Kernel.init() must be called before start()'));
    if (this.#startRun === undefined && this.#stopRun !== undefined) return Promise.reject(new Error('the kernel was stopped before start()'));
    this.#startRun ??= this.#runStart(this.#initRun);
    return this.#startRun;
  }

  /** Stops every initialized plugin in reverse order; later calls wait for the first and report nothing. */
  stop(): Promise<BootReport> {
    if (this.#stopRun !== undefined) return this.#stopRun.then(() => ({ ok: true, failures: [] }));
    this.#stopRun = this.#runStop();
    return this.#stopRun;
  }

  /** Initialized plugins in dependency order, optionally of one kind. */
  plugins(kind?: PluginKind): LoadedPlugin[] {
    const loaded: LoadedPlugin[] = [];
    for (const slot of this.#slots) {
      if (slot.instance === undefined || (kind !== undefined && slot.plugin.kind !== kind)) continue;
      loaded.push({ name: slot.name, kind: slot.plugin.kind, use: slot.use, instance: slot.instance });
    }
    return loaded;
  }

  /** The store of the first store-kind plugin (core.store); available once that plugin is initialized. */
  store(): StateStore {
    const slot = this.#slots.find((candidate) => candidate.name === this.#storePlugin);
    if (slot?.instance === undefined) {
      const why = this.#storePlugin === undefined ? 'no store plugin is loaded' : `store plugin "${this.#storePlugin}" is not initialized`;
      throw new AofError(ErrorCode.STORE_FAILED, why, { plugin: this.#storePlugin });
    }
    return (slot.instance as StoreInstance).store;
  }

  async #runInit(): Promise<BootReport> {
    const failures: BootFailure[] = [];
    const initialized = new Set<string>();
    for (const slot of this.#slots) {
      const blocker = slot.dependsOn.find((name) => !initialized.has(name));
      if (blocker !== undefined) {
        failures.push(this.#blocked(slot.name, 'init', blocker));
        continue;
      }
      const result = await runHook(slot.name, 'init', async () => checkInstance(slot.plugin.kind, await slot.plugin.init({
        name: slot.name,
        config: slot.config,
        deps: this.#resolveDeps(slot),
      })), this.#hookTimeoutMs);
      if (!result.ok) {
        failures.push(this.#failed(slot.name, 'init', result.error));
        continue;
      }
      slot.instance = result.value;
      initialized.add(slot.name);
      this.#scope.register(`plugin:${slot.name}`, { useValue: result.value });
      if (slot.name === this.#storePlugin) {
        this.#scope.register(coreServices.store.id, { useValue: (result.value as StoreInstance).store });
      }
    }
    this.#countLoaded();
    return report(failures);
  }

  async #runStart(initRun: Promise<BootReport>): Promise<BootReport> {
    await initRun;
    const failures: BootFailure[] = [];
    for (const slot of this.#slots) {
      const instance = slot.instance;
      if (instance === undefined) continue;
      const blocker = slot.dependsOn.find((name) => !this.#started.has(name));
      if (blocker !== undefined) {
        failures.push(this.#blocked(slot.name, 'start', blocker));
        continue;
      }
      const result = await runHook(slot.name, 'start', () => instance.start?.(), this.#hookTimeoutMs);
      if (result.ok) this.#started.add(slot.name);
      else failures.push(this.#failed(slot.name, 'start', result.error));
    }
    return report(failures);
  }

  async #runStop(): Promise<BootReport> {
    // A shutdown signal can arrive mid-boot: let the running phase settle so nothing starts after it was stopped.
    await this.#startRun;
    await this.#initRun;
    const failures: BootFailure[] = [];
    // Every initialized plugin is stopped, even one whose start failed, so it can release what init acquired.
    for (const slot of [...this.#slots].reverse()) {
      const instance = slot.instance;
      if (instance?.stop === undefined) continue;
      const result = await runHook(slot.name, 'stop', () => instance.stop?.(), this.#hookTimeoutMs);
      if (!result.ok) failures.push(this.#failed(slot.name, 'stop', result.error));
    }
    this.#started.clear();
    return report(failures);
  }

  /** Dependencies come out of the plugin's own container, so its logger is the one scoped to it. */
  #resolveDeps(slot: PluginSlot): Record<string, unknown> {
    const deps: Record<string, unknown> = {};
    for (const [key, ref] of Object.entries(slot.plugin.deps ?? {})) deps[key] = slot.container.resolve<unknown>(ref.id);
    return deps;
  }

  #countLoaded(): void {
    const gauge = pluginsLoadedGauge(this.#metrics.registry);
    const counts = new Map<PluginKind, number>();
    for (const plugin of this.plugins()) counts.set(plugin.kind, (counts.get(plugin.kind) ?? 0) + 1);
    for (const [kind, count] of counts) gauge.set({ kind }, count);
  }

  #blocked(plugin: string, hook: HookName, blocker: string): BootFailure {
    const error = new AofError(ErrorCode.PLUGIN_DEPENDENCY, `plugin "${plugin}" skipped ${hook}: it depends on "${blocker}", which failed`, {
      plugin,
      hook,
      details: { dependency: blocker },
    });
    return this.#failed(plugin, hook, error);
  }

  /** Failures are logged as they happen: a hung hook can hold boot for its whole time limit. */
  #failed(plugin: string, hook: HookName, error: AofError): BootFailure {
    this.#logger.error({ plugin, hook, code: error.code, err: error }, error.message);
    return { plugin, hook, error };
  }
}

function report(failures: BootFailure[]): BootReport {
  return { ok: failures.length === 0, failures };
}

/** importPlugin throws AofErrors; anything else (a bug, a broken file system) still gets a code and the specifier. */
type OrderedPlugin = ValidatedPlugin & { name: string };

/** A problem `Kernel.check` found, with the `use` of the plugin spec it concerns. */
export interface PluginProblem {
  error: AofError;
  use?: string;
}

/**
 * Imports, validates and orders the enabled plugins; errors are collected, not thrown. `uses`
 * maps what errors name as their plugin (a spec's `use` before import, the plugin's name after)
 * back to the spec's `use`.
 */
async function resolvePlugins(options: Pick<KernelOptions, 'plugins' | 'baseDir'>): Promise<{ errors: AofError[]; order: OrderedPlugin[]; storePlugin: string | undefined; uses: Map<string, string> }> {
  const specs = options.plugins.filter((spec) => spec.enabled !== false);
  const settled = await Promise.allSettled(specs.map((spec) => importPlugin(spec.use, options.baseDir)));
  const errors: AofError[] = [];
  const imported: ImportedPlugin[] = [];
  const uses = new Map<string, string>();
  settled.forEach((result, index) => {
    const spec = specs[index];
    if (spec === undefined) return;
    uses.set(spec.use, spec.use);
    if (result.status === 'fulfilled') {
      imported.push({ use: spec.use, plugin: result.value, config: spec.config });
      if (!uses.has(result.value.name)) uses.set(result.value.name, spec.use);
    } else {
      errors.push(asLoadError(result.reason, spec.use));
    }
  });
  const validation = validatePlugins(withoutReplacedFallbacks(imported, specs));
  const ordered = dependencyOrder(validation.plugins.map((plugin) => ({ ...plugin, name: plugin.plugin.name })));
  errors.push(...validation.errors, ...ordered.errors);
  return { errors, order: [...ordered.order], storePlugin: validation.storePlugin, uses };
}

/** Drops each fallback spec's plugin when a plugin of its kind comes from a spec that is not one. */
function withoutReplacedFallbacks(imported: ImportedPlugin[], specs: readonly KernelPluginSpec[]): ImportedPlugin[] {
  const fallbacks = new Set(specs.filter((spec) => spec.fallback === true).map((spec) => spec.use));
  const chosenKinds = new Set(imported.filter((entry) => !fallbacks.has(entry.use)).map((entry) => entry.plugin.kind));
  return imported.filter((entry) => !fallbacks.has(entry.use) || !chosenKinds.has(entry.plugin.kind));
}

function asLoadError(reason: unknown, use: string): AofError {
  if (isAofError(reason)) return reason;
  return new AofError(ErrorCode.PLUGIN_INVALID, `plugin "${use}" could not be loaded: ${describeCause(reason)}`, { plugin: use, cause: reason });
}
