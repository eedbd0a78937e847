import path from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';

export interface ResourceDirectories {
  agents: string;
  flows: string;
}

/** Where agents and flows are read from, resolved as the loader does (a CLI override wins). */
export function resourceDirectories(config: LoadedConfig, overrides: { agentsDir?: string; flowsDir?: string }): ResourceDirectories {
  const { agents, flows } = config.daemon.spec;
  return {
    agents: overrides.agentsDir ? path.resolve(overrides.agentsDir) : path.resolve(config.baseDir, agents.directory),
    flows: overrides.flowsDir ? path.resolve(overrides.flowsDir) : path.resolve(config.baseDir, flows.directory),
  };
}
