import type { PluginInstances, PluginKind } from '@aof/api';

type MemberType = 'string' | 'function' | 'object' | 'array';

/** What the kernel calls on each kind of instance; a Record so a new kind cannot be forgotten. */
const REQUIRED_MEMBERS: Record<PluginKind, ReadonlyArray<readonly [string, MemberType]>> = {
  platform: [['platform', 'string'], ['send', 'function']],
  scorer: [['scorer', 'object']],
  approval: [['strategy', 'string']],
  tool: [['tools', 'array']],
  model: [['providers', 'array'], ['module', 'string']],
  store: [['store', 'object']],
};

/**
 * Plain-JS plugins get no type checking, so the instance `init` returns is checked here, where
 * the error can still name the plugin, rather than failing later inside the router or a send.
 */
export function checkInstance<K extends PluginKind>(kind: K, value: unknown): PluginInstances[K] {
  if (typeof value !== 'object' || value === null) throw new TypeError(`init returned ${value === null ? 'null' : typeof value}, not a ${kind} instance`);
  const record = value as Record<string, unknown>;
  const missing = REQUIRED_MEMBERS[kind].filter(([member, type]) => !hasType(record[member], type)).map(([member, type]) => `${member} (${type})`);
  if (missing.length > 0) throw new TypeError(`init returned a ${kind} instance without ${missing.join(', ')}`);
  return value as PluginInstances[K];
}

function hasType(value: unknown, type: MemberType): boolean {
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return typeof value === 'object' && value !== null;
  return typeof value === type;
}
