import type { DaemonConfigSpec, LoadedAgent, Logger, ModelInstance, StateStore, ToolInstance } from '@aof/api';
import type { Kernel } from '../kernel/kernel.js';
import type { KernelMetrics } from '../metrics/metrics.js';
import { AgentRuntime } from '../runtime/agent-runtime.js';
import { createDenoExecutor } from '../runtime/deno-executor.js';

export interface CreateRuntimeOptions {
  daemon: DaemonConfigSpec;
  kernel: Kernel;
  store: StateStore;
  env: Record<string, string | undefined>;
  logger: Logger;
  metrics: KernelMetrics;
  /** Agents of the configuration in force now. */
  agents: (name: string) => LoadedAgent | undefined;
}

/** The agent runtime over the kernel's tool and model plugins; Deno flows get Deno processes. */
export function createRuntime(options: CreateRuntimeOptions): AgentRuntime {
  return new AgentRuntime({
    daemon: options.daemon,
    store: options.store,
    tools: options.kernel.plugins('tool').flatMap((plugin) => (plugin.instance as ToolInstance).tools),
    models: options.kernel.plugins('model').map((plugin) => plugin.instance as ModelInstance),
    env: options.env,
    logger: options.logger,
    registry: options.metrics.registry,
    denoExecutorFactory: (_flow, executorOptions) => createDenoExecutor(executorOptions),
    agents: options.agents,
  });
}
