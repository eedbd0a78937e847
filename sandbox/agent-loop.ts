/**
 * The agent loop, one task per call: model -> tool calls (policy, then run) -> tool results ->
 * model, until the model answers without tool calls or the iteration budget is spent. Web APIs
 * and the SandboxHost only, so the same module runs in a Node worker and under Deno.
 */
import {
  isModelError,
  type ChatMessage,
  type ModelContext,
  type ModelProvider,
  type ModelRequest,
  type ModelResponse,
  type SandboxHost,
  type TokenUsage,
  type ToolCall,
  type ToolImpl,
  type ToolSpec,
} from '@aof/api';
import { deadline, type Deadline } from './deadline.js';
import { createPostJson } from './model-http.js';
import { loadedModelProvider, loadedToolImpl, loadModelProvider, loadToolImpl } from './modules.js';
import {
  DEFAULT_MAX_ITERATIONS,
  DEFAULT_MODEL_TIMEOUT_MS,
  invalidTaskRequest,
  TaskErrorCode,
  type TaskRequest,
  type TaskResult,
  type ToolCallRecord,
} from './protocol.js';
import { errorMessage, TaskFailure } from './task-failure.js';
import { runToolCall, type ToolCallSuspension } from './tool-runner.js';

/**
 * Runs one task and never throws: every failure becomes a TaskResult with status `error`, a
 * coded error for the kernel and a reply for the user. `signal` lets the pool cancel the task.
 */
export async function runTask(request: TaskRequest, host: SandboxHost, signal?: AbortSignal): Promise<TaskResult> {
  const invalid = invalidTaskRequest(request);
  if (invalid !== undefined) {
    const taskId = (request as Partial<TaskRequest> | null)?.taskId;
    const failure = new TaskFailure(TaskErrorCode.BAD_REQUEST, `invalid task request: ${invalid}`, 'Sorry, something went wrong inside the daemon.');
    return errorResult(typeof taskId === 'string' ? taskId : '', failure, { inputTokens: 0, outputTokens: 0 }, [], undefined);
  }
  const limit = deadline(signal, request.taskTimeoutMs);
  const run = new TaskRun(request, host, limit);
  try {
    return await run.execute();
  } catch (error) {
    return run.fail(toFailure(error, request, limit));
  } finally {
    limit.dispose();
  }
}

class TaskRun {
  private readonly usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  private readonly toolCalls: ToolCallRecord[] = [];
  private readonly userMessage: ChatMessage;

  constructor(
    private readonly request: TaskRequest,
    private readonly host: SandboxHost,
    /** The task's deadline; its AbortSignal is made only if a provider or tool reads it. */
    private readonly limit: Deadline,
  ) {
    this.userMessage = { role: 'user', content: request.message.text };
  }

  async execute(): Promise<TaskResult> {
    const { agent, modules } = this.request;
    // After a thread's first task its modules are loaded: take them without waiting a turn.
    const model = loadedModelProvider(modules.model) ?? await loadModelProvider(agent.model, modules.model);
    const tools = this.loadedTools() ?? await this.loadTools();
    const { provider, modelName } = splitModel(agent.model);
    const specs: ToolSpec[] = agent.tools.flatMap((name) => {
      const impl = tools.get(name);
      return impl === undefined ? [] : [{ ...impl.spec, name }];
    });
    const ctx = this.modelContext(provider, tools);
    const { resume } = this.request;
    const messages: ChatMessage[] = resume === undefined ? [...compactHistory(this.request.history), this.userMessage] : [...resume.messages];
    const maxIterations = agent.maxIterations ?? DEFAULT_MAX_ITERATIONS;
    const base = this.modelRequest(modelName, specs);
    if (resume !== undefined) {
      const suspended = await this.runCalls([resume.approved, ...resume.remaining], messages, resume.iterations, tools, true);
      if (suspended !== undefined) return suspended;
    }

    for (let iteration = resume?.iterations ?? 0; iteration < maxIterations; iteration++) {
      this.limit.throwIfAborted();
      const response = await this.callModel(model, this.roundRequest(base, messages), ctx);
      this.usage.inputTokens += response.usage.inputTokens;
      this.usage.outputTokens += response.usage.outputTokens;
      messages.push(response.toolCalls.length === 0
        ? { role: 'assistant', content: response.content }
        : { role: 'assistant', content: response.content, toolCalls: response.toolCalls });
      if (response.toolCalls.length === 0) return this.done(response.content);
      const suspended = await this.runCalls(response.toolCalls, messages, iteration + 1, tools, false);
      if (suspended !== undefined) return suspended;
    }
    throw new TaskFailure(
      TaskErrorCode.MAX_ITERATIONS,
      `agent ${agent.name} reached max_iterations (${maxIterations}) without a final answer`,
      `I stopped after ${maxIterations} steps without reaching a final answer (the agent's max_iterations is ${maxIterations}). ` +
        'Try a narrower request, or ask an operator to raise max_iterations.',
    );
  }

  fail(failure: TaskFailure): TaskResult {
    const result = errorResult(this.request.taskId, failure, this.usage, this.toolCalls, this.userMessage);
    return { ...result, newMessages: this.remembered(result.reply) };
  }

  /**
   * Sequential on purpose: calls can depend on each other's effects, and an approval suspends
   * between them. With `firstApproved`, the first call is the one approvers said yes to.
   */
  private async runCalls(calls: readonly ToolCall[], messages: ChatMessage[], iterations: number, tools: ReadonlyMap<string, ToolImpl>, firstApproved: boolean): Promise<TaskResult | undefined> {
    for (const [index, call] of calls.entries()) {
      this.limit.throwIfAborted();
      const outcome = await runToolCall(call, { host: this.host, request: this.request, tools, deadline: this.limit }, firstApproved && index === 0);
      if ('approval' in outcome) return this.suspend(outcome, call, calls.slice(index + 1), messages, iterations);
      messages.push(outcome.message);
      this.toolCalls.push(outcome.record);
    }
    return undefined;
  }

  /** Ends the task without running `call`; the kernel keeps everything needed to run exactly it once approved. */
  private suspend(suspension: ToolCallSuspension, call: ToolCall, remaining: ToolCall[], messages: ChatMessage[], iterations: number): TaskResult {
    const { approval } = suspension;
    const reply = `Waiting for approval to run ${[approval.command.tool, ...approval.command.argv].join(' ')}.`;
    return {
      taskId: this.request.taskId,
      status: 'awaiting_approval',
      reply,
      usage: this.usage,
      toolCalls: this.toolCalls,
      newMessages: this.remembered(reply),
      pending: {
        call,
        remaining,
        messages: [...messages],
        iterations,
        command: approval.command,
        classification: approval.classification,
        ...(approval.chain !== undefined && { chain: approval.chain }),
        reason: approval.reason,
      },
    };
  }

  private done(content: string): TaskResult {
    const reply = content.trim() === '' ? '(the model returned an empty answer)' : content;
    return { taskId: this.request.taskId, status: 'ok', reply, usage: this.usage, toolCalls: this.toolCalls, newMessages: this.remembered(reply) };
  }

  /** The user's message was remembered when the run was suspended; a resumed run adds only its answer. */
  private remembered(reply: string): ChatMessage[] {
    const answer: ChatMessage = { role: 'assistant', content: reply };
    return this.request.resume === undefined ? [this.userMessage, answer] : [answer];
  }

  /** The agent's tools if every one of them is loaded already, else undefined (then loadTools). */
  private loadedTools(): Map<string, ToolImpl> | undefined {
    const tools = new Map<string, ToolImpl>();
    for (const name of this.request.agent.tools) {
      const specifier = this.request.modules.tools[name];
      if (specifier === undefined) continue;
      const impl = loadedToolImpl(specifier);
      if (impl === undefined) return undefined;
      tools.set(name, impl);
    }
    return tools;
  }

  /** Tools listed for the agent but provided by no plugin are left out; a call to one is answered "not available". */
  private async loadTools(): Promise<Map<string, ToolImpl>> {
    const listed = this.request.agent.tools.flatMap((name) => {
      const specifier = this.request.modules.tools[name];
      return specifier === undefined ? [] : [[name, specifier] as const];
    });
    const impls = await Promise.all(listed.map(async ([name, specifier]) => [name, await loadToolImpl(name, specifier)] as const));
    return new Map(impls);
  }

  private modelRequest(modelName: string, tools: ToolSpec[]): Omit<ModelRequest, 'messages' | 'signal'> {
    const { agent } = this.request;
    const request: Omit<ModelRequest, 'messages' | 'signal'> = { model: modelName, system: systemPrompt(this.request), tools };
    if (agent.temperature !== undefined) request.temperature = agent.temperature;
    if (agent.maxTokens !== undefined) request.maxTokens = agent.maxTokens;
    return request;
  }

  /** The request for one model round, with the task's signal as a getter: made only when the provider reads it. */
  private roundRequest(base: Omit<ModelRequest, 'messages' | 'signal'>, messages: readonly ChatMessage[]): ModelRequest {
    const limit = this.limit;
    return {
      ...base,
      messages: [...messages],
      get signal() {
        return limit.signal;
      },
    };
  }

  private modelContext(provider: string, tools: ReadonlyMap<string, ToolImpl>): ModelContext {
    const { agent, flow } = this.request;
    const limit = this.limit;
    const timeoutMs = agent.modelTimeoutMs ?? DEFAULT_MODEL_TIMEOUT_MS;
    const ctx: ModelContext = {
      host: this.host,
      env: flow.env,
      provider,
      timeoutMs,
      postJson: createPostJson({ host: this.host, provider, timeoutMs, get signal() { return limit.signal; }, ...(agent.apiKey !== undefined && { secrets: [agent.apiKey] }) }),
      parseCommand: (tool, argv) => tools.get(tool)?.parseCommand?.(argv) ?? { args: argv },
    };
    if (agent.baseUrl !== undefined) ctx.baseUrl = agent.baseUrl;
    if (agent.apiKey !== undefined) ctx.apiKey = agent.apiKey;
    return ctx;
  }

  private async callModel(model: ModelProvider, request: ModelRequest, ctx: ModelContext): Promise<ModelResponse> {
    let response: ModelResponse;
    try {
      response = await model.complete(request, ctx);
    } catch (error) {
      if (this.limit.aborted) throw error;
      const kind = isModelError(error) ? error.kind : undefined;
      const message = isModelError(error) ? error.message : `model provider ${ctx.provider} failed: ${errorMessage(error)}`;
      throw new TaskFailure(TaskErrorCode.MODEL_ERROR, message, `Sorry, I could not get an answer: ${message}.`, kind);
    }
    // A provider is third-party code (and the model behind it may be steered by what tools
    // returned): a malformed or hostile response must not crash the loop or run unbounded work.
    const calls: unknown[] = Array.isArray(response?.toolCalls) ? response.toolCalls : [];
    const seen = new Set<string>();
    return {
      content: typeof response?.content === 'string' ? response.content : '',
      toolCalls: calls.slice(0, MAX_TOOL_CALLS_PER_TURN).map((raw, index) => normalizeToolCall(raw, index, seen)),
      usage: {
        inputTokens: tokenCount(response?.usage?.inputTokens),
        outputTokens: tokenCount(response?.usage?.outputTokens),
      },
    };
  }
}

/** Tool calls one model turn may ask for; more are dropped (the model reads the results of these). */
export const MAX_TOOL_CALLS_PER_TURN = 16;
/** Nesting and size of one call's arguments: deeper or larger ones cannot be carried back to the daemon or stored. */
const MAX_ARGUMENT_DEPTH = 64;
const MAX_ARGUMENT_BYTES = 1024 * 1024;
/** Tokens one model call may claim: budgets must not be cancelled by negatives or overflowed to Infinity. */
const MAX_TOKENS_PER_CALL = 1_000_000_000;

function tokenCount(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.min(Math.round(n), MAX_TOKENS_PER_CALL) : 0;
}

/** Ids are made unique (a repeated one gets the call's index), arguments the daemon cannot carry become `{}`. */
function normalizeToolCall(raw: unknown, index: number, seen: Set<string>): ToolCall {
  const call = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof ToolCall, unknown>>;
  const args = call.arguments;
  const given = typeof call.id === 'string' && call.id !== '' ? call.id : undefined;
  const id = given !== undefined && !seen.has(given) ? given : `call_${index}`;
  seen.add(id);
  return {
    id,
    name: typeof call.name === 'string' ? call.name : '',
    arguments: typeof args === 'object' && args !== null && !Array.isArray(args) && carriable(args) ? (args as Record<string, unknown>) : {},
  };
}

/** Within MAX_ARGUMENT_DEPTH (walked without recursion) and MAX_ARGUMENT_BYTES as JSON. */
function carriable(value: object): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (typeof item !== 'object' || item === null) continue;
    if (depth > MAX_ARGUMENT_DEPTH) return false;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  try {
    return JSON.stringify(value).length <= MAX_ARGUMENT_BYTES;
  } catch {
    return false;
  }
}

/** `openai:gpt-4o` -> openai / gpt-4o; `ollama:llama3.1:8b` keeps the tag; bare `command` has no model name. */
function splitModel(model: string): { provider: string; modelName: string } {
  const colon = model.indexOf(':');
  return colon === -1 ? { provider: model, modelName: '' } : { provider: model.slice(0, colon), modelName: model.slice(colon + 1) };
}

/**
 * Only plain user/assistant text reaches the provider from memory: whatever wrote the history,
 * a stray tool result or tool-call turn cut in half by trimming would make providers reject the request.
 */
function compactHistory(history: readonly ChatMessage[]): ChatMessage[] {
  return history.flatMap((message) =>
    (message.role === 'user' || message.role === 'assistant') && typeof message.content === 'string' && message.content !== ''
      ? [{ role: message.role, content: message.content }]
      : []);
}

function systemPrompt(request: TaskRequest): string {
  const { flow, message } = request;
  const where = [`flow ${flow.name}`, flow.namespace && `namespace ${flow.namespace}`, flow.cluster && `cluster ${flow.cluster}`]
    .filter(Boolean).join(', ');
  const who = message.user.name ?? message.user.id;
  const channel = message.channel.name === undefined ? message.channel.id : `#${message.channel.name}`;
  const context = `Context: ${where}. The request comes from ${who} in ${channel}.`;
  return [request.agent.systemPrompt, context].filter((part) => part !== undefined && part !== '').join('\n\n');
}

function toFailure(error: unknown, request: TaskRequest, limit: Deadline): TaskFailure {
  if (error instanceof TaskFailure) return error;
  if (limit.expired) {
    const allowed = `${Math.round((request.taskTimeoutMs ?? 0) / 1000)} s`;
    return new TaskFailure(TaskErrorCode.TIMEOUT, `task exceeded its ${allowed} time limit`, `Sorry, this took longer than ${allowed} and was stopped.`);
  }
  if (limit.aborted) return new TaskFailure(TaskErrorCode.CANCELLED, 'task was cancelled', 'This request was cancelled.');
  return new TaskFailure(TaskErrorCode.INTERNAL, `sandbox error: ${errorMessage(error)}`, 'Sorry, something went wrong inside the daemon.');
}

function errorResult(
  taskId: string,
  failure: TaskFailure,
  usage: TokenUsage,
  toolCalls: ToolCallRecord[],
  userMessage: ChatMessage | undefined,
): TaskResult {
  const error: NonNullable<TaskResult['error']> = { code: failure.code, message: failure.message };
  if (failure.modelErrorKind !== undefined) error.modelErrorKind = failure.modelErrorKind;
  // The exchange is remembered even when it failed, so a follow-up like "try again" has its context.
  const newMessages: ChatMessage[] = userMessage === undefined ? [] : [userMessage, { role: 'assistant', content: failure.reply }];
  return { taskId, status: 'error', reply: failure.reply, usage, toolCalls, newMessages, error };
}
