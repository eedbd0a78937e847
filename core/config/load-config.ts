import path from 'node:path';
import { ErrorCode, type DaemonConfig, type LoadedAgent, type LoadedFlow } from '@aof/api';
import { readDaemonDocument } from './daemon-document.js';
import { toLoadedAgents, toLoadedFlows } from './load-resources.js';
import { nameMatchingProblems } from './name-matching-checks.js';
import { resolvePlatforms } from './platforms.js';
import type { ConfigProblem } from './problems.js';
import { readResources } from './read-resources.js';
import { comparePaths, scanDirectory } from './scan-directory.js';
import { crossCheck } from './semantic-checks.js';
import type { Env } from './substitute-env.js';
import type { YamlDocument } from './yaml-documents.js';
import { formatPath, pathExists, positionOf } from './yaml-paths.js';

export { formatProblem, hasErrors, type ConfigProblem } from './problems.js';
export { loadResourceFiles, type ResourceFiles } from './load-resources.js';

export interface LoadedConfig {
  /** Defaults applied. */
  daemon: DaemonConfig;
  daemonFile: string;
  /** Directory of the daemon file; relative directories in it resolve against this. */
  baseDir: string;
  flows: LoadedFlow[];
  agents: LoadedAgent[];
  problems: ConfigProblem[];
  /** Lower-case names of the platforms configured and enabled; includes `local` unless `platforms.local.enabled: false`. */
  enabledPlatforms: string[];
}

export interface LoadOptions {
  /** Defaults to process.env. */
  env?: Env;
  /** Overrides spec.flows.directory; relative to the working directory. */
  flowsDir?: string;
  /** Overrides spec.agents.directory; relative to the working directory. */
  agentsDir?: string;
}

interface ResourceDirectory {
  what: 'agents' | 'flows';
  dir: string;
  recursive: boolean;
  /** Where the daemon config names it, unless the caller overrode it. */
  configured: boolean;
}

/**
 * Loads the daemon config, then every agent and flow under its directories. Throws
 * AOF_ERR_CONFIG_NOT_FOUND only when the daemon file cannot be read; everything else is a
 * problem in the result, and a bad flow or agent is left out while the rest load. The caller
 * decides what is fatal (the daemon refuses to start on errors in the daemon file).
 */
export async function loadConfig(daemonConfigPath: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  const daemonFile = path.resolve(daemonConfigPath);
  const baseDir = path.dirname(daemonFile);
  const daemonDoc = await readDaemonDocument(daemonFile, env);
  const { daemon, yaml } = daemonDoc;
  const platforms = resolvePlatforms(daemon, env, yaml);
  const problems = [...daemonDoc.problems, ...platforms.problems];

  const files = new Set<string>();
  for (const source of resourceDirectories(daemon, baseDir, options)) {
    const scan = await scanDirectory(source.dir, source.recursive);
    if (scan.found) {
      scan.files.forEach((file) => files.add(file));
      problems.push(...scan.problems);
    } else {
      problems.push(missingDirectory(source, scan.reason, daemonFile, yaml));
    }
  }
  files.delete(daemonFile);

  const read = await readResources([...files].sort(comparePaths), { env, platforms: platforms.table });
  problems.push(...read.problems);
  const defaultAgent = daemon.spec.routing?.default_agent;
  const checked = crossCheck({
    flows: flowsEnabled(daemon) ? read.flows : [],
    agents: read.agents,
    checkAgentReferences: true,
    ...(typeof defaultAgent === 'string' && yaml && { defaultAgent: { name: defaultAgent, yaml, path: daemonDoc.defaultAgentPath } }),
  });
  problems.push(...checked.problems, ...nameMatchingProblems(daemon, checked.flows));
  return {
    daemon,
    daemonFile,
    baseDir,
    flows: toLoadedFlows(checked.flows),
    agents: toLoadedAgents(checked.agents),
    problems,
    enabledPlatforms: [...platforms.table.enabled],
  };
}

function flowsEnabled(daemon: DaemonConfig): boolean {
  return daemon.spec.flows?.enabled !== false;
}

/** Both kinds may share a directory; the file set is deduplicated and documents go by `kind`. */
function resourceDirectories(daemon: DaemonConfig, baseDir: string, options: LoadOptions): ResourceDirectory[] {
  // A daemon config with schema errors still names its directories, so its flows get checked too.
  const text = (value: unknown, fallback: string): string => (typeof value === 'string' && value !== '' ? value : fallback);
  const { agents, flows } = daemon.spec;
  const list: ResourceDirectory[] = [{
    what: 'agents',
    dir: options.agentsDir ? path.resolve(options.agentsDir) : path.resolve(baseDir, text(agents?.directory, './agents')),
    recursive: agents?.recursive !== false,
    configured: !options.agentsDir,
  }];
  if (flowsEnabled(daemon)) {
    list.push({
      what: 'flows',
      dir: options.flowsDir ? path.resolve(options.flowsDir) : path.resolve(baseDir, text(flows?.directory, './flows')),
      recursive: flows?.recursive !== false,
      configured: !options.flowsDir,
    });
  }
  return list;
}

function missingDirectory(source: ResourceDirectory, reason: string, daemonFile: string, yaml: YamlDocument | undefined): ConfigProblem {
  const message = `${source.what} directory ${source.dir} ${reason}; no ${source.what} are loaded from it`;
  const problem: ConfigProblem = { severity: 'warning', code: ErrorCode.CONFIG_NOT_FOUND, message, file: daemonFile };
  const where = ['spec', source.what, 'directory'];
  if (!source.configured || !yaml || !pathExists(yaml, where)) return problem;
  return { ...problem, ...positionOf(yaml, where), path: formatPath(where) };
}
