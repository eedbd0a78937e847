import {
  AofError,
  coreServices,
  ErrorCode,
  PLUGIN_API_VERSION,
  pluginNameOfRef,
  type Plugin,
  type PluginKind,
  type ServiceRef,
} from '@aof/api';
import { createConfigValidator, validatePluginConfig } from './plugin-config.js';

/** A Record so that adding a kind to the API fails to compile here until it is handled. */
const PLUGIN_KINDS: Record<PluginKind, true> = { platform: true, scorer: true, approval: true, tool: true, model: true, store: true };
const CORE_SERVICE_IDS = new Set(Object.values(coreServices).map((ref) => ref.id));

export interface ImportedPlugin {
  use: string;
  plugin: Plugin;
  config?: Record<string, unknown>;
}

export interface ValidatedPlugin {
  use: string;
  plugin: Plugin;
  /** Validated, with schema defaults applied. */
  config: Record<string, unknown>;
  /** Plugins that must init and start first: the plugins it depends on, the store plugin for core.store. */
  dependsOn: string[];
}

export interface ValidationResult {
  plugins: ValidatedPlugin[];
  /** Name of the plugin serving core.store: the first store-kind plugin in config order. */
  storePlugin: string | undefined;
  errors: AofError[];
}

/**
 * Checks everything that can be checked without running plugin code: duplicates, kind, API
 * version, config, and that every dependency names a core service or a loaded plugin.
 * Dependency cycles are left to dependency-order.ts.
 */
export function validatePlugins(imported: readonly ImportedPlugin[]): ValidationResult {
  const errors: AofError[] = [];
  const ajv = createConfigValidator();
  const firstUse = new Map<string, string>();
  const unique: ImportedPlugin[] = [];
  for (const entry of imported) {
    const name = entry.plugin.name;
    const earlier = firstUse.get(name);
    if (earlier === undefined) {
      firstUse.set(name, entry.use);
      unique.push(entry);
    } else {
      errors.push(new AofError(ErrorCode.PLUGIN_DUPLICATE, `plugin "${name}" is loaded twice ("${earlier}" and "${entry.use}")`, {
        plugin: name,
        details: { uses: [earlier, entry.use] },
      }));
    }
  }
  const storePlugin = unique.find((entry) => entry.plugin.kind === 'store')?.plugin.name;
  const plugins: ValidatedPlugin[] = [];
  for (const entry of unique) {
    const shapeErrors = checkShape(entry.plugin);
    const config = validatePluginConfig(ajv, entry.plugin, entry.config);
    const deps = dependencyNames(entry.plugin, firstUse, storePlugin);
    errors.push(...shapeErrors, ...deps.errors);
    if (!config.ok) errors.push(config.error);
    else if (shapeErrors.length === 0 && deps.errors.length === 0) {
      plugins.push({ use: entry.use, plugin: entry.plugin, config: config.config, dependsOn: deps.names });
    }
  }
  return { plugins, storePlugin, errors };
}

function checkShape(plugin: Plugin): AofError[] {
  const errors: AofError[] = [];
  if (!Object.hasOwn(PLUGIN_KINDS, plugin.kind)) {
    errors.push(new AofError(ErrorCode.PLUGIN_INVALID, `plugin "${plugin.name}" has unknown kind "${String(plugin.kind)}"`, {
      plugin: plugin.name,
      details: { kind: plugin.kind, kinds: Object.keys(PLUGIN_KINDS) },
    }));
  }
  if (plugin.apiVersion !== PLUGIN_API_VERSION) {
    errors.push(new AofError(
      ErrorCode.PLUGIN_API_VERSION,
      `plugin "${plugin.name}" was written for plugin API version ${String(plugin.apiVersion)}; this daemon supports ${PLUGIN_API_VERSION}`,
      { plugin: plugin.name, details: { apiVersion: plugin.apiVersion, supported: PLUGIN_API_VERSION } },
    ));
  }
  return errors;
}

function dependencyNames(
  plugin: Plugin,
  loaded: ReadonlyMap<string, string>,
  storePlugin: string | undefined,
): { names: string[]; errors: AofError[] } {
  const names: string[] = [];
  const errors: AofError[] = [];
  const fail = (key: string, message: string): void => {
    errors.push(new AofError(ErrorCode.PLUGIN_DEPENDENCY, `plugin "${plugin.name}" dependency "${key}" ${message}`, {
      plugin: plugin.name,
      details: { dependency: key },
    }));
  };
  for (const [key, ref] of Object.entries(plugin.deps ?? {})) {
    if (!isServiceRef(ref)) {
      fail(key, 'is not a ServiceRef (use coreServices.* or pluginRef())');
      continue;
    }
    const pluginName = pluginNameOfRef(ref);
    if (pluginName !== undefined) {
      if (loaded.has(pluginName)) names.push(pluginName);
      else fail(key, `needs plugin "${pluginName}", which is not loaded`);
    } else if (!CORE_SERVICE_IDS.has(ref.id)) {
      fail(key, `names unknown service "${ref.id}"`);
    } else if (ref.id === coreServices.store.id) {
      if (storePlugin === undefined) fail(key, `needs ${ref.id}, but no store plugin is loaded`);
      else names.push(storePlugin);
    }
  }
  return { names, errors };
}

function isServiceRef(value: unknown): value is ServiceRef<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as ServiceRef<unknown>).id === 'string';
}
