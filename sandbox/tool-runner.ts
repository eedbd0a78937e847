/**
 * Runs one tool call the model asked for: policy first, then the approval check (a call that
 * needs one stops here, unrun), then the tool with the flow's env, a deadline and an output cap.
 * Whatever happens (refusal, crash, hang) comes back as a tool result the model can read, never
 * as an exception that would end the task.
 */
import { truncateOutput, type ChatMessage, type SandboxHost, type ToolCall, type ToolContext, type ToolImpl, type ToolOutput } from '@aof/api';
import { approvalNeed, loadPatternEngine, needsPatternEngine, type ApprovalNeed } from './approval-policy.js';
import { checkToolCall } from './policy.js';
import type { TaskRequest, ToolCallRecord } from './protocol.js';
import { errorMessage } from './task-failure.js';
import { deadline, type Deadline } from './deadline.js';

/** A tool that ignores its signal still gets this long past its timeout before its result is given up on. */
const DEADLINE_GRACE_MS = 1_000;
/** Room for framing (exit code line, "stderr:", truncation markers) around output the tool already capped. */
const FRAMING_BYTES = 1_024;

export interface ToolRunnerContext {
  host: SandboxHost;
  request: TaskRequest;
  /** Implementations of the agent's tools that have a module on this daemon. */
  tools: ReadonlyMap<string, ToolImpl>;
  /** The task's deadline. */
  deadline: Deadline;
}

export interface ToolCallOutcome {
  /** The `tool` message answering the call. */
  message: ChatMessage;
  record: ToolCallRecord;
}

/** The call needs an approval first; nothing ran. */
export interface ToolCallSuspension {
  approval: Extract<ApprovalNeed, { needed: true }>;
}

/** `approved`: this exact call was approved already (a resumed run), so it is not asked about again. */
export async function runToolCall(call: ToolCall, ctx: ToolRunnerContext, approved = false): Promise<ToolCallOutcome | ToolCallSuspension> {
  const { host, request } = ctx;
  const started = host.now();
  const finish = (output: ToolOutput, refused?: string): ToolCallOutcome => {
    // Tools cap stdout and stderr at maxOutputBytes each; this backstop only catches a tool that ignores the limit.
    const capped = truncateOutput(output.output, 2 * request.maxOutputBytes + FRAMING_BYTES);
    const record: ToolCallRecord = { name: call.name, args: call.arguments, ok: output.ok, exitCode: output.exitCode ?? null, ms: host.now() - started };
    if (refused !== undefined) record.refused = refused;
    return { message: { role: 'tool', content: capped.text, toolCallId: call.id }, record };
  };

  const decision = checkToolCall({
    tool: call.name,
    args: call.arguments,
    allowedTools: request.agent.tools,
    toolConfig: request.agent.toolConfig,
    ...(request.flow.namespace !== undefined && { namespace: request.flow.namespace }),
  });
  if (!decision.allowed) return finish({ ok: false, output: `Refused by policy: ${decision.reason}` }, decision.reason);
  if (!approved) {
    if (needsPatternEngine(request.approval)) await loadPatternEngine();
    const need = approvalNeed(call, request.approval);
    if (need.needed) return { approval: need };
  }

  const impl = ctx.tools.get(call.name);
  if (impl === undefined) {
    return finish({ ok: false, output: `tool "${call.name}" is not available on this daemon (no loaded plugin provides it)` });
  }
  try {
    return finish(await runWithDeadline(impl, call, ctx));
  } catch (error) {
    return finish({ ok: false, output: `${call.name} failed: ${errorMessage(error)}` });
  }
}

async function runWithDeadline(impl: ToolImpl, call: ToolCall, ctx: ToolRunnerContext): Promise<ToolOutput> {
  const { request } = ctx;
  const timeoutMs = request.toolTimeoutMs;
  const limit = deadline(ctx.deadline, timeoutMs);
  const toolCtx: ToolContext = {
    host: ctx.host,
    env: request.flow.env,
    config: request.agent.toolConfig[call.name] ?? {},
    flow: flowInfo(request),
    // Made when the tool reads it: an in-process tool (echo) never does.
    get signal() {
      return limit.signal;
    },
    timeoutMs,
    maxOutputBytes: request.maxOutputBytes,
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Armed only once the deadline passes (or the task is cancelled): most calls end long before.
  const giveUp = new Promise<ToolOutput>((resolve) => {
    limit.onAbort(() => {
      const output = limit.expired ? `${call.name} did not finish within ${timeoutMs} ms` : `${call.name} did not stop when the task was cancelled`;
      timer = setTimeout(() => resolve({ ok: false, output }), DEADLINE_GRACE_MS);
    });
  });
  try {
    return await Promise.race([impl.run(call.arguments, toolCtx), giveUp]);
  } finally {
    clearTimeout(timer);
    limit.dispose();
  }
}

function flowInfo(request: TaskRequest): ToolContext['flow'] {
  const flow: ToolContext['flow'] = { name: request.flow.name };
  if (request.flow.namespace !== undefined) flow.namespace = request.flow.namespace;
  if (request.flow.cluster !== undefined) flow.cluster = request.flow.cluster;
  return flow;
}
