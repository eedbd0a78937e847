import { AofError, coreServices, ErrorCode, pluginNameOfRef, type Plugin, type ServiceRef } from '@aof/api';

/** One value per core service, typed by its ServiceRef. */
export type CoreServiceValues = { [K in keyof typeof coreServices]: (typeof coreServices)[K] extends ServiceRef<infer T> ? T : never };

/**
 * The `deps` a plugin's init gets. The host boots one plugin, so a dependency on another plugin
 * (pluginRef) cannot be met; that, like an unknown service, fails before any plugin code runs.
 */
export function resolveDeps(plugin: Plugin, services: CoreServiceValues): Record<string, unknown> {
  const byId = new Map<string, unknown>(Object.entries(coreServices).map(([key, ref]) => [ref.id, services[key as keyof CoreServiceValues]]));
  const deps: Record<string, unknown> = {};
  for (const [key, ref] of Object.entries(plugin.deps ?? {})) {
    const id = typeof ref === 'object' && ref !== null && typeof ref.id === 'string' ? ref.id : undefined;
    if (id !== undefined && byId.has(id)) {
      deps[key] = byId.get(id);
      continue;
    }
    const other = id === undefined ? undefined : pluginNameOfRef(ref);
    const why = other !== undefined ? `needs plugin "${other}", and startPluginHost boots one plugin` : `names no core service (${id ?? 'not a ServiceRef'})`;
    throw new AofError(ErrorCode.PLUGIN_DEPENDENCY, `plugin "${plugin.name}" dependency "${key}" ${why}`, { plugin: plugin.name, details: { dependency: key } });
  }
  return deps;
}
