import { ErrorCode, type DaemonConfig } from '@aof/api';
import { envNamedKeys } from './env-named-keys.js';
import { isRecord } from './prepare-document.js';
import { problemAt, type ConfigProblem } from './problems.js';
import { shownEnvName } from './secrets.js';
import type { Env } from './substitute-env.js';
import type { YamlDocument } from './yaml-documents.js';

/** The built-in platform answering over the daemon's own HTTP API; it needs no credentials. */
export const LOCAL_PLATFORM = 'local';

export type PlatformStatus = { enabled: true } | { enabled: false; why: string };

export interface PlatformTable {
  /** Lower-case names, sorted; always includes `local`. */
  readonly enabled: readonly string[];
  status(platform: string): PlatformStatus;
}

/** For files checked without a daemon config: no platform is known to be off, so nothing is excused. */
export const EVERY_PLATFORM: PlatformTable = { enabled: [LOCAL_PLATFORM], status: () => ({ enabled: true }) };

/**
 * The local platform serves without a block (loopback clients only, or `$AOF_LOCAL_TOKEN`);
 * `enabled: false` turns it off (a same-host proxy would make every client loopback), and a
 * `token_env` naming an unset variable is said, since the platform then answers loopback clients
 * without a token instead of the token the operator meant.
 */
function localPlatformProblems(name: string, block: Record<string, unknown>, env: Env, yaml: YamlDocument | undefined, statuses: Map<string, PlatformStatus>): ConfigProblem[] {
  if (block.enabled === false) {
    statuses.set(LOCAL_PLATFORM, { enabled: false, why: `platforms.${name}.enabled is false` });
    return [];
  }
  const unset = envNamedKeys(block, env).filter((named) => named.value === undefined);
  if (unset.length === 0 || yaml === undefined) return [];
  const names = unset.map((named) => shownEnvName(named.variable)).join(', ');
  return [problemAt(yaml, 'key')('warning', ErrorCode.CONFIG_ENV_MISSING, ['spec', 'platforms', name, unset[0]?.key ?? ''],
    `platform local: ${names} ${unset.length === 1 ? 'is' : 'are'} not set, so it has no token and answers loopback clients only`)];
}

/**
 * A platform is enabled when its `platforms.<name>` block is present, does not say
 * `enabled: false`, and every variable its `*_env` keys name is set (unless the plain key is
 * written beside it, which wins). A block whose variables are
 * missing is a warning, not an error: its flows load inactive, and everything else serves.
 */
export function resolvePlatforms(daemon: DaemonConfig, env: Env, yaml: YamlDocument | undefined): { table: PlatformTable; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const statuses = new Map<string, PlatformStatus>([[LOCAL_PLATFORM, { enabled: true }]]);
  const blocks = daemon.spec.platforms;
  // A daemon config with schema errors is still read for its platforms; skip a block that is not a map.
  for (const [name, block] of Object.entries(isRecord(blocks) ? blocks : {})) {
    if (!isRecord(block)) continue;
    const platform = name.toLowerCase();
    if (platform === LOCAL_PLATFORM) {
      problems.push(...localPlatformProblems(name, block, env, yaml, statuses));
      continue;
    }
    if (block.enabled === false) {
      statuses.set(platform, { enabled: false, why: `platforms.${name}.enabled is false` });
      continue;
    }
    // Read as the plugin's config is built (platformPluginConfig): a plain key beside its `_env` twin wins.
    const unset = envNamedKeys(block, env).filter((named) => named.value === undefined);
    if (unset.length === 0) {
      statuses.set(platform, { enabled: true });
      continue;
    }
    const names = unset.map((named) => shownEnvName(named.variable)).join(', ');
    const verb = unset.length === 1 ? 'is' : 'are';
    statuses.set(platform, { enabled: false, why: `${names} ${verb} not set` });
    const message = `platform ${platform}: ${names} ${verb} not set; its flows are inactive`;
    if (yaml) problems.push(problemAt(yaml, 'key')('warning', ErrorCode.CONFIG_ENV_MISSING, ['spec', 'platforms', name, unset[0]?.key ?? ''], message));
  }
  const enabled = [...statuses].filter(([, s]) => s.enabled).map(([name]) => name).sort();
  return {
    table: {
      enabled,
      status: (platform) => statuses.get(platform.toLowerCase()) ?? { enabled: false, why: `platforms.${platform.toLowerCase()} is not configured` },
    },
    problems,
  };
}

/** The platform a flow serves (`trigger.type`, lower-cased), or undefined when it serves all. */
export function flowPlatform(flow: unknown): string | undefined {
  const type = (flow as { spec?: { trigger?: { type?: unknown } } } | null)?.spec?.trigger?.type;
  return typeof type === 'string' && type !== '' ? type.toLowerCase() : undefined;
}
