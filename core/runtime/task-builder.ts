/**
 * Turns a routed message into the plain-data TaskRequest a sandbox worker runs: the agent as
 * the flow narrows it, the worker modules of its tools and model, and the limits. Kernel-side
 * only: the model API key is read here from the daemon's env and travels in the request,
 * never in the sandbox env.
 */
import {
  shownChannel,
  shownUser,
  type ChatMessage,
  type DaemonConfigSpec,
  type FlowAgentRef,
  type InboundMessage,
  type LoadedAgent,
  type LoadedFlow,
  type ModelInstance,
  type ToolDescriptor,
} from '@aof/api';
import type { TaskAgent, TaskMessage, TaskModules, TaskRequest, TaskResume } from '../../sandbox/protocol.js';
import { taskApprovalPolicy } from '../approvals/task-policy.js';
import type { DaemonEnv } from './sandbox-env.js';

export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;

/** The agent cannot run as configured; `reply` is what the user reads. */
export class TaskBuildError extends Error {
  readonly code: string;
  readonly reply: string;

  constructor(code: string, message: string, reply: string) {
    super(message);
    this.name = 'TaskBuildError';
    this.code = code;
    this.reply = reply;
  }
}

/** The parts of a TaskRequest that depend on the flow and agent only, not on the message. */
export interface AgentPlan {
  agent: TaskAgent;
  modules: TaskModules;
}

export interface TaskBuilderOptions {
  runtime: DaemonConfigSpec['runtime'];
  tools: readonly ToolDescriptor[];
  models: readonly ModelInstance[];
  /** The daemon's env, for `api_key_env`. */
  env: DaemonEnv;
}

export interface TaskInput {
  requestId: string;
  flow: LoadedFlow;
  plan: AgentPlan;
  /** The sandbox env (sandboxEnv): what every tool process gets. */
  env: Record<string, string>;
  message: InboundMessage;
  history: ChatMessage[];
  /** Continues a run suspended for approval with the approved call. */
  resume?: TaskResume;
}

export class TaskBuilder {
  readonly #options: TaskBuilderOptions;
  readonly #toolModules = new Map<string, string>();
  readonly #modelModules = new Map<string, string>();
  readonly #defaultBaseUrls = new Map<string, string>();

  constructor(options: TaskBuilderOptions) {
    this.#options = options;
    // First plugin wins, matching the kernel's load order.
    for (const tool of options.tools) if (!this.#toolModules.has(tool.name)) this.#toolModules.set(tool.name, tool.module);
    for (const model of options.models) {
      for (const provider of model.providers) {
        if (this.#modelModules.has(provider)) continue;
        this.#modelModules.set(provider, model.module);
        const baseUrl = model.defaultBaseUrls?.[provider];
        if (baseUrl !== undefined) this.#defaultBaseUrls.set(provider, baseUrl);
      }
    }
  }

  get taskTimeoutMs(): number {
    return this.#options.runtime.task_timeout_secs * 1000;
  }

  /** Throws TaskBuildError when the agent names a model provider no plugin serves. */
  plan(flow: LoadedFlow, agentName: string, loaded: LoadedAgent): AgentPlan {
    const spec = loaded.agent.spec;
    const provider = modelProvider(spec.model);
    const modelModule = this.#modelModules.get(provider);
    if (modelModule === undefined) {
      const installed = [...this.#modelModules.keys()].join(', ') || '(none)';
      const why = `model provider "${provider}" is not installed; installed: ${installed}`;
      throw new TaskBuildError('model_provider_missing', `agent ${agentName}: ${why}`, `Agent ${agentName} cannot run: ${why}.`);
    }
    const entry = flowEntry(flow, agentName);
    const tools = narrowTools(spec.tools, entry?.tools);
    const agent: TaskAgent = {
      name: agentName,
      model: spec.model,
      tools,
      toolConfig: mergeToolConfig(spec.tool_config, entry?.tool_config),
    };
    const systemPrompt = spec.system_prompt ?? spec.instructions;
    if (systemPrompt !== undefined) agent.systemPrompt = systemPrompt;
    if (spec.max_iterations !== undefined) agent.maxIterations = spec.max_iterations;
    if (spec.temperature !== undefined) agent.temperature = spec.temperature;
    const maxTokens = minDefined(spec.max_tokens, flow.flow.spec.limits?.max_tokens_per_request);
    if (maxTokens !== undefined) agent.maxTokens = maxTokens;
    const baseUrl = spec.base_url ?? this.#defaultBaseUrls.get(provider);
    if (baseUrl !== undefined) agent.baseUrl = baseUrl;
    const apiKey = spec.api_key_env === undefined ? undefined : this.#options.env[spec.api_key_env];
    if (apiKey !== undefined && apiKey !== '') agent.apiKey = apiKey;

    const toolModules: Record<string, string> = {};
    for (const name of tools) {
      const module = this.#toolModules.get(name);
      if (module !== undefined) toolModules[name] = module;
    }
    return { agent, modules: { tools: toolModules, model: modelModule } };
  }

  request(input: TaskInput): TaskRequest {
    const context = input.flow.flow.spec.context ?? {};
    const request: TaskRequest = {
      taskId: input.requestId,
      flow: { name: input.flow.flow.metadata.name, env: input.env },
      agent: input.plan.agent,
      modules: input.plan.modules,
      message: taskMessage(input.message),
      history: input.history,
      toolTimeoutMs: Math.min(DEFAULT_TOOL_TIMEOUT_MS, this.taskTimeoutMs),
      maxOutputBytes: DEFAULT_MAX_OUTPUT_BYTES,
      taskTimeoutMs: this.taskTimeoutMs,
    };
    if (context.namespace !== undefined) request.flow.namespace = context.namespace;
    if (context.cluster_name !== undefined) request.flow.cluster = context.cluster_name;
    const approval = taskApprovalPolicy(input.flow);
    if (approval !== undefined) request.approval = approval;
    if (input.resume !== undefined) request.resume = input.resume;
    return request;
  }
}

/** `openai:gpt-4o` -> openai; a bare provider (`command`) is its own name. */
export function modelProvider(model: string): string {
  const colon = model.indexOf(':');
  return colon === -1 ? model : model.slice(0, colon);
}

export function flowEntry(flow: LoadedFlow, agentName: string): FlowAgentRef | undefined {
  return flow.flow.spec.agents.find((entry) => entry.name === agentName);
}

/** The flow narrows, never widens: with both lists, only tools on both; with one, that one. */
function narrowTools(agentTools: readonly string[] | undefined, flowTools: readonly string[] | undefined): string[] {
  if (flowTools === undefined) return [...(agentTools ?? [])];
  if (agentTools === undefined) return [...flowTools];
  return agentTools.filter((tool) => flowTools.includes(tool));
}

/**
 * Per tool, the flow entry's settings over the agent's (a flow tightens `allowed_namespaces` for
 * its cluster). Kept for every configured tool, not only those left after narrowing: a `shell`
 * that runs kubectl is held to kubectl's settings, and settings never grant a tool.
 */
function mergeToolConfig(
  agentConfig: Record<string, Record<string, unknown>> | undefined,
  flowConfig: Record<string, Record<string, unknown>> | undefined,
): Record<string, Record<string, unknown>> {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const tool of new Set([...Object.keys(agentConfig ?? {}), ...Object.keys(flowConfig ?? {})])) {
    const own = agentConfig?.[tool];
    const narrowed = flowConfig?.[tool];
    if (own !== undefined || narrowed !== undefined) merged[tool] = { ...own, ...narrowed };
  }
  return merged;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}

function taskMessage(message: InboundMessage): TaskMessage {
  const task: TaskMessage = {
    text: message.text,
    user: shownUser(message.user) === message.user.id ? { id: message.user.id } : { id: message.user.id, name: shownUser(message.user) },
    channel: shownChannel(message.channel) === message.channel.id ? { id: message.channel.id } : { id: message.channel.id, name: shownChannel(message.channel) },
  };
  if (message.thread !== undefined) task.thread = message.thread;
  return task;
}
