/**
 * The kernel's way into the sandbox: admission, then the flow's pool with the flow's env,
 * limits and memory namespace, then the outcome. `run` never throws; every way a task can end
 * (busy, misconfigured, timed out, out of memory, crashed) is an outcome with a reply.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type {
  AgentPriority,
  ChatMessage,
  DaemonConfigSpec,
  InboundMessage,
  LoadedAgent,
  LoadedFlow,
  Logger,
  ModelInstance,
  StateStore,
  ToolDescriptor,
} from '@aof/api';
import type { Registry } from 'prom-client';
import type { TaskResume } from '../../sandbox/protocol.js';
import { Admission, AdmissionClosedError, SHUTTING_DOWN_REPLY, type Release } from './admission.js';
import type { ExecutorOptions, TaskExecutor } from './executor.js';
import { FlowPools, type ExecutorFactory } from './flow-pools.js';
import { ConversationMemory, memoryKey, type MemorySettings } from './memory.js';
import { PiscinaExecutor } from './piscina-executor.js';
import { createRuntimeMetrics, type RuntimeMetrics } from './runtime-metrics.js';
import { sandboxEnv, sandboxPermissions, type AgentReach } from './sandbox-env.js';
import { flowEntry, TaskBuildError, TaskBuilder, type AgentPlan } from './task-builder.js';
import { ABORT_SHUTDOWN, ABORT_TIMEOUT, failureOutcome, resultOutcome, type OutcomeBody, type TaskOutcome } from './task-outcome.js';

export type { ExecutorFactory } from './flow-pools.js';
export type { OutcomeStatus, TaskOutcome } from './task-outcome.js';

export const DEFAULT_MAX_THREADS = 2;
/** Sandbox threads run this many nice steps below the daemon, so agent work cannot starve webhook acks. */
export const DEFAULT_SANDBOX_NICE = 10;
/** How long `close()` lets running tasks finish before stopping them. */
export const DEFAULT_CLOSE_GRACE_MS = 10_000;
/**
 * The worker stops a task at the task timeout itself (killing its tool processes on the way);
 * the pool only terminates the worker when that has not happened this much later (a task
 * stuck in a loop, a tool that ignores its signal).
 */
export const HARD_DEADLINE_GRACE_MS = 2_000;

export interface RuntimeDeps {
  daemon: DaemonConfigSpec;
  store: StateStore;
  /** Every tool plugin's descriptors (`Kernel.plugins('tool')`). */
  tools: ToolDescriptor[];
  /** Every model plugin (`Kernel.plugins('model')`). */
  models: ModelInstance[];
  /** The daemon's env: source of the sandbox allowlist and of `api_key_env`. */
  env: Record<string, string | undefined>;
  logger: Logger;
  registry?: Registry;
  /** Builds every flow's executor instead of the default choice (tests, benchmarks). */
  executorFactory?: ExecutorFactory;
  /** Runs flows with `sandbox.runtime: deno`; without it those flows answer with an error. */
  denoExecutorFactory?: ExecutorFactory;
  /** Agents loaded now, by name, so a flow's sandbox permissions cover all of its agents, not only the one running. */
  agents?: (name: string) => LoadedAgent | undefined;
}

export interface TaskSubmission {
  requestId: string;
  flow: LoadedFlow;
  agentName: string;
  /** Undefined when no loaded agent has that name: the outcome says so. */
  agent: LoadedAgent | undefined;
  message: InboundMessage;
  /** Continues a run suspended for approval: the approved call runs first, exactly as approved. */
  resume?: TaskResume;
}

export interface RuntimeStats {
  running: number;
  queued: number;
  pools: number;
  threads: number;
}

/** What every task of one (flow, agent) shares; see `#prepare`. */
interface PreparedAgent {
  /** The objects it was built from: another object under the same name means a reload. */
  agent: LoadedAgent;
  agents: ReadonlyArray<LoadedAgent | undefined>;
  plan: AgentPlan;
  env: Record<string, string>;
  options: ExecutorOptions;
  memory: MemorySettings;
  priority: AgentPriority;
}

/** The flow asks for a runtime this daemon cannot provide. */
class RuntimeUnavailableError extends Error {}

export class AgentRuntime {
  readonly #deps: RuntimeDeps;
  readonly #builder: TaskBuilder;
  readonly #admission: Admission;
  readonly #memory: ConversationMemory;
  readonly #pools: FlowPools;
  readonly #metrics: RuntimeMetrics;
  /** Running tasks: their abort controller and when they settle. */
  readonly #running = new Map<AbortController, Promise<unknown>>();
  readonly #prepared = new WeakMap<LoadedFlow, Map<string, PreparedAgent>>();
  #closing: Promise<void> | undefined;

  constructor(deps: RuntimeDeps) {
    this.#deps = deps;
    const { runtime } = deps.daemon;
    this.#builder = new TaskBuilder({ runtime, tools: deps.tools, models: deps.models, env: deps.env });
    this.#admission = new Admission({ maxConcurrent: runtime.max_concurrent_tasks, maxPerUser: runtime.max_tasks_per_user, queueSize: runtime.queue_size });
    this.#memory = new ConversationMemory(deps.store, deps.daemon.memory);
    this.#pools = new FlowPools((flow, options) => this.#createExecutor(flow, options), deps.logger, {
      ...(runtime.max_sandbox_threads !== undefined && { maxLiveThreads: runtime.max_sandbox_threads }),
    });
    this.#metrics = createRuntimeMetrics(deps.registry, {
      running: () => this.#admission.running,
      queued: () => this.#admission.queued,
      pools: () => this.#pools.stats().pools,
      threads: () => this.#pools.stats().threads,
    });
  }

  async run(submission: TaskSubmission): Promise<TaskOutcome> {
    const started = performance.now();
    let queuedMs = 0;
    let body: OutcomeBody;
    try {
      body = await this.#run(submission, (admittedAt) => { queuedMs = admittedAt - started; });
    } catch (error) {
      this.#deps.logger.error({ request_id: submission.requestId, flow: submission.flow.flow.metadata.name, err: error }, 'sandbox runtime failed');
      body = { status: 'error', reply: 'Sorry, something went wrong inside the daemon.', tokensUsed: 0, errorCode: 'internal', detail: String(error) };
    }
    const latencyMs = performance.now() - started;
    this.#metrics.recordOutcome(submission.flow.flow.metadata.name, submission.agentName, body.status, queuedMs, latencyMs - queuedMs);
    return { requestId: submission.requestId, ...body, latencyMs, queuedMs };
  }

  stats(): RuntimeStats {
    return { running: this.#admission.running, queued: this.#admission.queued, ...this.#pools.stats() };
  }

  /** Closes a removed flow's pools once their running tasks finish. */
  drainFlow(name: string): Promise<void> {
    return this.#pools.drain(name);
  }

  /**
   * Refuses new tasks and fails queued ones at once, lets running tasks finish for up to
   * `graceMs`, stops the rest (they answer "restarting"), then closes every pool.
   */
  close(graceMs = DEFAULT_CLOSE_GRACE_MS): Promise<void> {
    this.#closing ??= (async () => {
      this.#admission.close();
      const grace = new AbortController();
      const graceOver = delay(graceMs, undefined, { signal: grace.signal }).catch(() => undefined);
      await Promise.race([Promise.allSettled(this.#running.values()), graceOver]);
      grace.abort();
      for (const controller of this.#running.keys()) controller.abort(ABORT_SHUTDOWN);
      await Promise.allSettled(this.#running.values());
      await this.#pools.close();
    })();
    return this.#closing;
  }

  async #run(submission: TaskSubmission, admitted: (at: number) => void): Promise<OutcomeBody> {
    const { flow, agentName, agent, message } = submission;
    const flowName = flow.flow.metadata.name;
    if (agent === undefined) {
      return {
        status: 'error',
        reply: `Agent "${agentName}" is not loaded on this daemon, so flow ${flowName} cannot answer. An operator can check the agent files.`,
        tokensUsed: 0,
        errorCode: 'agent_not_found',
        detail: `flow ${flowName} names agent ${agentName}, which is not loaded`,
      };
    }
    let prepared: PreparedAgent;
    try {
      prepared = this.#prepare(flow, agentName, agent);
    } catch (error) {
      if (error instanceof TaskBuildError) return { status: 'error', reply: error.reply, tokensUsed: 0, errorCode: error.code, detail: error.message };
      throw error;
    }

    const ticket = this.#admission.request(userKey(message), prepared.priority);
    if (ticket.status === 'busy') return { status: 'busy', reply: ticket.reply, tokensUsed: 0, errorCode: ticket.reason };
    let release: Release;
    try {
      release = await ticket.ready;
    } catch (error) {
      if (error instanceof AdmissionClosedError) return { status: 'busy', reply: SHUTTING_DOWN_REPLY, tokensUsed: 0, errorCode: 'closed' };
      throw error;
    }
    admitted(performance.now());

    const controller = new AbortController();
    const task = this.#runAdmitted(submission, prepared, controller);
    this.#running.set(controller, task);
    try {
      return await task;
    } finally {
      this.#running.delete(controller);
      release();
    }
  }

  async #runAdmitted(submission: TaskSubmission, prepared: PreparedAgent, controller: AbortController): Promise<OutcomeBody> {
    const { flow, message, requestId } = submission;
    const { plan, env, options, memory } = prepared;
    const flowName = flow.flow.metadata.name;
    const key = memoryKey(flowName, message);
    const history = await this.#loadHistory(key, memory, flowName);
    const request = this.#builder.request({ requestId, flow, plan, env, message, history, ...(submission.resume !== undefined && { resume: submission.resume }) });
    const limits = { taskTimeoutMs: this.#builder.taskTimeoutMs, maxMemoryMb: options.maxMemoryMb };

    const timer = setTimeout(() => controller.abort(ABORT_TIMEOUT), limits.taskTimeoutMs + HARD_DEADLINE_GRACE_MS);
    let body: OutcomeBody;
    let remember: ChatMessage[];
    try {
      const result = await this.#pools.run(flow, options, request, controller.signal);
      body = resultOutcome(result, limits);
      remember = result.newMessages;
    } catch (error) {
      body = error instanceof RuntimeUnavailableError
        ? { status: 'error', reply: error.message, tokensUsed: 0, errorCode: 'runtime_unavailable', detail: error.message }
        : failureOutcome(error, controller.signal.reason, limits);
      // Remembered like any failed turn, so "try again" has its context (a resumed run's question already is).
      const answer: ChatMessage = { role: 'assistant', content: body.reply };
      remember = submission.resume === undefined ? [{ role: 'user', content: message.text }, answer] : [answer];
    } finally {
      clearTimeout(timer);
    }
    if (body.status !== 'ok' && body.status !== 'awaiting_approval') {
      this.#deps.logger.warn({ request_id: requestId, flow: flowName, agent: plan.agent.name, status: body.status, code: body.errorCode, detail: body.detail }, 'sandbox task failed');
    }
    await this.#remember(key, remember, memory, flowName);
    return body;
  }

  /**
   * The plan, sandbox env, pool options and memory settings of (flow, agent) depend on the
   * configuration alone, so they are built once and kept while the flow's object and its agents'
   * objects stay the same (a reload that changes either builds them again). Throws TaskBuildError.
   */
  #prepare(flow: LoadedFlow, agentName: string, agent: LoadedAgent): PreparedAgent {
    let byAgent = this.#prepared.get(flow);
    const cached = byAgent?.get(agentName);
    if (cached !== undefined && cached.agent === agent && this.#sameAgents(flow, cached.agents)) return cached;
    const plan = this.#builder.plan(flow, agentName, agent);
    const env = sandboxEnv(flow, this.#deps.env);
    const prepared: PreparedAgent = {
      agent,
      agents: this.#flowAgents(flow),
      plan,
      env,
      options: this.#executorOptions(flow, plan, env),
      memory: this.#memory.settings(flow),
      priority: flowEntry(flow, agentName)?.priority ?? 'normal',
    };
    if (byAgent === undefined) {
      byAgent = new Map();
      this.#prepared.set(flow, byAgent);
    }
    byAgent.set(agentName, prepared);
    return prepared;
  }

  /** The loaded agents the flow names, as looked up now (their permissions are part of the pool's). */
  #flowAgents(flow: LoadedFlow): Array<LoadedAgent | undefined> {
    const lookup = this.#deps.agents;
    return lookup === undefined ? [] : flow.flow.spec.agents.map((entry) => lookup(entry.name));
  }

  #sameAgents(flow: LoadedFlow, agents: ReadonlyArray<LoadedAgent | undefined>): boolean {
    const lookup = this.#deps.agents;
    if (lookup === undefined) return true;
    const entries = flow.flow.spec.agents;
    if (entries.length !== agents.length) return false;
    for (let index = 0; index < entries.length; index++) {
      if (lookup(entries[index]!.name) !== agents[index]) return false;
    }
    return true;
  }

  #executorOptions(flow: LoadedFlow, plan: AgentPlan, env: Record<string, string>): ExecutorOptions {
    const own = flow.flow.spec.sandbox ?? {};
    const defaults = this.#deps.daemon.sandbox;
    return {
      flowName: flow.flow.metadata.name,
      env,
      maxMemoryMb: own.max_memory_mb ?? defaults.max_memory_mb,
      idleTimeoutMs: (own.idle_timeout_secs ?? defaults.idle_timeout_secs) * 1000,
      maxThreads: own.max_threads ?? DEFAULT_MAX_THREADS,
      permissions: sandboxPermissions(this.#reaches(flow, plan), this.#deps.tools, env),
      nice: this.#deps.daemon.runtime.sandbox_nice ?? DEFAULT_SANDBOX_NICE,
    };
  }

  /** What every agent of the flow needs, so one pool serves them all; the running agent's plan when others cannot be looked up. */
  #reaches(flow: LoadedFlow, plan: AgentPlan): AgentReach[] {
    const reaches: AgentReach[] = [plan.agent];
    const lookup = this.#deps.agents;
    if (lookup === undefined) return reaches;
    for (const entry of flow.flow.spec.agents) {
      const other = entry.name === plan.agent.name ? undefined : lookup(entry.name);
      if (other === undefined) continue;
      try {
        reaches.push(this.#builder.plan(flow, entry.name, other).agent);
      } catch (error) {
        if (!(error instanceof TaskBuildError)) throw error;
      }
    }
    return reaches;
  }

  #createExecutor(flow: LoadedFlow, options: ExecutorOptions): TaskExecutor {
    if (this.#deps.executorFactory !== undefined) return this.#deps.executorFactory(flow, options);
    if (flow.flow.spec.sandbox?.runtime === 'deno') {
      if (this.#deps.denoExecutorFactory === undefined) {
        throw new RuntimeUnavailableError(`Flow ${options.flowName} needs the Deno sandbox runtime (sandbox.runtime: deno), which this daemon does not provide.`);
      }
      return this.#deps.denoExecutorFactory(flow, options);
    }
    return new PiscinaExecutor(options, this.#deps.logger);
  }

  /** Memory is a convenience: a store failure costs the context, not the answer. */
  async #loadHistory(key: string, settings: MemorySettings, flow: string): Promise<ChatMessage[]> {
    try {
      return await this.#memory.load(key, settings);
    } catch (error) {
      this.#deps.logger.warn({ flow, err: error }, 'could not read conversation memory; answering without it');
      return [];
    }
  }

  async #remember(key: string, messages: readonly ChatMessage[], settings: MemorySettings, flow: string): Promise<void> {
    try {
      await this.#memory.append(key, messages, settings);
    } catch (error) {
      this.#deps.logger.warn({ flow, err: error }, 'could not write conversation memory');
    }
  }
}

/** Per-user limits count by platform + workspace + user id; JSON so no id can collide with another's parts. */
function userKey(message: InboundMessage): string {
  return JSON.stringify([message.platform, message.workspace ?? '', message.user.id]);
}
