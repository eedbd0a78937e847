import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, type LoadedAgent, type LoadedFlow } from '@aof/api';
import { foldChats } from './fold-chats.js';
import { EVERY_PLATFORM } from './platforms.js';
import type { ConfigProblem } from './problems.js';
import { readResources, type AgentDocument, type FlowDocument } from './read-resources.js';
import { scanDirectory } from './scan-directory.js';
import { crossCheck } from './semantic-checks.js';
import type { Env } from './substitute-env.js';

export interface ResourceFiles {
  flows: LoadedFlow[];
  agents: LoadedAgent[];
  problems: ConfigProblem[];
}

/**
 * Validates loose flow and agent files (or directories of them) without a daemon config, as
 * `aofctl validate flows/x.yaml` does. With no daemon to say a platform is off, every flow counts
 * as active, so each missing variable is an error. Agent references are checked only when some
 * agent is among the files: a lone flow file's agents live elsewhere.
 */
export async function loadResourceFiles(paths: string[], options: { env?: Env } = {}): Promise<ResourceFiles> {
  const problems: ConfigProblem[] = [];
  const files: string[] = [];
  for (const given of paths.map((p) => path.resolve(p))) {
    const info = await stat(given).catch(() => undefined);
    if (info?.isDirectory()) {
      const scan = await scanDirectory(given, true);
      if (scan.found) {
        files.push(...scan.files);
        problems.push(...scan.problems);
      }
    } else if (info) {
      files.push(given);
    } else {
      problems.push({ severity: 'error', code: ErrorCode.CONFIG_NOT_FOUND, message: 'file does not exist', file: given });
    }
  }
  const read = await readResources([...new Set(files)], { env: options.env ?? process.env, platforms: EVERY_PLATFORM });
  const checked = crossCheck({ flows: read.flows, agents: read.agents, checkAgentReferences: read.agents.length > 0 });
  return { flows: toLoadedFlows(checked.flows), agents: toLoadedAgents(checked.agents), problems: [...problems, ...read.problems, ...checked.problems] };
}

/** `index` is the position in load order: routing gives ties to the lower one. */
export function toLoadedFlows(documents: readonly FlowDocument[]): LoadedFlow[] {
  return documents.map((d, index) => ({
    flow: foldChats(d.flow),
    index,
    source: d.source,
    active: d.active,
    ...(d.inactiveReason !== undefined && { inactiveReason: d.inactiveReason }),
  }));
}

export function toLoadedAgents(documents: readonly AgentDocument[]): LoadedAgent[] {
  return documents.map((d) => ({ agent: d.agent, source: d.source }));
}
