import type { LoadedAgent, LoadedFlow } from '@aof/api';
import type { LoadedConfig } from '../config/load-config.js';
import { FlowRouter, type ScorerEntry } from '../router/flow-router.js';

/** The name of the flow the default agent runs in when no flow matched. */
export const DEFAULT_FLOW_NAME = '_default';

/**
 * Everything a message needs from configuration, built once per (re)load and swapped as one
 * value: a message started on one snapshot finishes on it.
 */
export interface ConfigSnapshot {
  readonly config: LoadedConfig;
  readonly router: FlowRouter;
  readonly agents: ReadonlyMap<string, LoadedAgent>;
  /** Sandbox context of `routing.default_agent`: no env, no kubeconfig, no filters. */
  readonly defaultFlow: LoadedFlow | undefined;
  readonly generation: number;
}

export function buildSnapshot(config: LoadedConfig, scorers: readonly ScorerEntry[], generation: number): ConfigSnapshot {
  const defaultAgent = config.daemon.spec.routing.default_agent;
  return {
    config,
    router: new FlowRouter(config.flows, config.daemon.spec.routing, scorers),
    agents: new Map(config.agents.map((agent) => [agent.agent.metadata.name, agent])),
    defaultFlow: defaultAgent ? defaultFlow(defaultAgent, config.daemonFile) : undefined,
    generation,
  };
}

function defaultFlow(agent: string, daemonFile: string): LoadedFlow {
  return {
    flow: {
      apiVersion: 'aof.dev/v1',
      kind: 'AgentFlow',
      metadata: { name: DEFAULT_FLOW_NAME },
      spec: { agents: [{ name: agent }] },
    },
    index: -1,
    source: { file: daemonFile, line: 1, column: 1 },
    active: true,
  };
}
