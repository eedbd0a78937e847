import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import { AofError, ErrorCode, isPlugin, PLUGIN_API_VERSION, type Plugin, type PlatformInstance } from '@aof/api';

/** A plugin made by definePlugin, a module namespace exporting one, or a specifier to import. */
export type PluginSource = Plugin | Readonly<Record<string, unknown>> | string;

/**
 * The plugin `source` names, found as the kernel finds it (the default export, else `plugin`).
 * A path (`./x`, `/x`) resolves against `baseDir`; any other string is imported as written, so a
 * package name resolves from where @aof/testkit is installed.
 */
export async function loadPlatformPlugin(source: PluginSource, baseDir: string): Promise<Plugin> {
  const module = typeof source === 'string' ? await importSpecifier(source, baseDir) : source;
  const plugin = isPlugin(module) ? module : [module.default, module.plugin].find(isPlugin);
  const label = typeof source === 'string' ? source : 'the given module';
  if (plugin === undefined) {
    throw new AofError(ErrorCode.PLUGIN_INVALID, `${label} exports no plugin made by definePlugin() as its default export or as \`plugin\``, { plugin: label });
  }
  if (plugin.kind !== 'platform') {
    throw new AofError(ErrorCode.PLUGIN_INVALID, `plugin "${plugin.name}" is a ${plugin.kind} plugin; startPluginHost boots platform plugins`, { plugin: plugin.name });
  }
  if (plugin.apiVersion !== PLUGIN_API_VERSION) {
    throw new AofError(ErrorCode.PLUGIN_API_VERSION, `plugin "${plugin.name}" was written for plugin API version ${plugin.apiVersion}; @aof/api here is ${PLUGIN_API_VERSION}`, { plugin: plugin.name });
  }
  return plugin;
}

async function importSpecifier(specifier: string, baseDir: string): Promise<Record<string, unknown>> {
  const target = specifier.startsWith('.') || path.isAbsolute(specifier) ? pathToFileURL(path.resolve(baseDir, specifier)).href : specifier;
  try {
    return await import(target) as Record<string, unknown>;
  } catch (cause) {
    throw new AofError(ErrorCode.PLUGIN_NOT_FOUND, `plugin "${specifier}" could not be imported: ${String(cause)}`, { plugin: specifier, cause });
  }
}

/**
 * The config the plugin's init gets: a copy validated against its configSchema with the schema's
 * defaults applied, as the daemon validates it before any plugin code runs. Errors name paths
 * and rules, never values (configs hold secrets).
 */
export function validatedConfig(plugin: Plugin, config: Record<string, unknown> = {}): Record<string, unknown> {
  const copy = structuredClone(config);
  if (plugin.configSchema === undefined) return copy;
  // As the daemon: third-party schemas may carry annotation keywords ajv does not know.
  const validate = new Ajv({ useDefaults: true, allErrors: true, strict: false }).compile(plugin.configSchema);
  if (validate(copy)) return copy;
  const problems = (validate.errors ?? []).map((error) => `${error.instancePath === '' ? '/' : error.instancePath} ${error.message ?? 'is invalid'}`);
  throw new AofError(ErrorCode.PLUGIN_CONFIG_INVALID, `plugin "${plugin.name}" config is invalid: ${problems.join('; ')}`, { plugin: plugin.name, details: { problems } });
}

/** Plain-JS plugins are not type-checked: fail here, naming the plugin, rather than in a send. */
export function asPlatformInstance(pluginName: string, value: unknown): PlatformInstance {
  const instance = value as Partial<PlatformInstance> | null | undefined;
  if (typeof instance?.platform !== 'string' || typeof instance.send !== 'function') {
    throw new TypeError(`plugin "${pluginName}" init returned no platform instance (a string \`platform\` and a \`send\` function)`);
  }
  return instance as PlatformInstance;
}

/**
 * Every call into the plugin: bounded in time and failing with a coded error that names the
 * plugin and hook, as the daemon's lifecycle does.
 */
export async function runPluginHook<T>(pluginName: string, hook: 'init' | 'start' | 'stop', call: () => T | Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new AofError(ErrorCode.PLUGIN_TIMEOUT, `plugin "${pluginName}" did not finish ${hook} within ${timeoutMs} ms`, { plugin: pluginName, hook })), timeoutMs);
  });
  const settled = Promise.resolve().then(call).catch((cause: unknown) => {
    throw new AofError(ErrorCode.PLUGIN_HOOK_FAILED, `plugin "${pluginName}" failed in ${hook}: ${cause instanceof Error ? cause.message : String(cause)}`, { plugin: pluginName, hook, cause });
  });
  try {
    return await Promise.race([settled, limit]);
  } finally {
    clearTimeout(timer);
  }
}
