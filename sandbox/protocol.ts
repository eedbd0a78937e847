/**
 * Everything that crosses the kernel/worker boundary. Plain data only (structured clone):
 * no functions, class instances or signals, so the same messages work for piscina workers,
 * a Deno subprocess or a Redis task queue.
 */
import type { ChatMessage, ModelErrorKind, TokenUsage, ToolCall } from '@aof/api';

export const DEFAULT_MAX_ITERATIONS = 10;
export const DEFAULT_MODEL_TIMEOUT_MS = 60_000;

export interface TaskFlow {
  name: string;
  /** Default Kubernetes namespace; kubectl and helm get `--namespace` when a call names none. */
  namespace?: string;
  cluster?: string;
  /** The whole environment of every process a tool starts, built by the kernel (allowlist + flow env). */
  env: Record<string, string>;
}

export interface TaskAgent {
  name: string;
  /** `provider:model` (`openai:gpt-4o`) or a bare provider (`command`). */
  model: string;
  systemPrompt?: string;
  /** Tools this agent may call, already narrowed by the flow. Anything else is refused. */
  tools: string[];
  /** `tool_config` by tool name (allowed_commands, allowed_namespaces, allowed_binaries, allowed_hosts). */
  toolConfig: Record<string, Record<string, unknown>>;
  /** Model calls per task; defaults to DEFAULT_MAX_ITERATIONS. */
  maxIterations?: number;
  temperature?: number;
  maxTokens?: number;
  baseUrl?: string;
  /** Resolved by the kernel from `api_key_env`; never logged. */
  apiKey?: string;
  /** Per model HTTP attempt; defaults to DEFAULT_MODEL_TIMEOUT_MS. */
  modelTimeoutMs?: number;
}

export interface TaskModules {
  /** Worker module (specifier or file URL) by tool name, from the tool plugins' descriptors. */
  tools: Record<string, string>;
  /** Worker module of the model provider the agent's model names. */
  model: string;
}

export interface TaskMessage {
  text: string;
  user: { id: string; name?: string };
  channel: { id: string; name?: string };
  thread?: string;
}

/** Built by the kernel from the flow's `approval` block and context env; the sandbox applies it to every tool call. */
export interface TaskApprovalPolicy {
  /** `approval.require_for`: command prefixes (`kubectl scale --replicas=0`) or RE2 patterns; `destructive` turns the classifier on. */
  requireFor: string[];
  /** `approval.rules`: the first pattern matching the normalized command line picks the chain, and means approval is needed. */
  rules: Array<{ pattern: string; chain: string }>;
  /** The built-in classifier decides: everything but reads needs approval. */
  classify: boolean;
}

/** Severity of a command, from the built-in classifier; anything unknown is `write`. */
export type CommandClass = 'read' | 'write' | 'delete' | 'dangerous';

/** What a call sends besides its command line (an http POST's body), exactly as the tool sends it. */
export interface CallBody {
  /** A value the tool sends as JSON (`application/json`); else text, as given. */
  json: boolean;
  text: string;
}

/** The binary (`kubectl`) and the argv it would get, and any body it sends: what approvers are shown. */
export interface ApprovalCommand {
  tool: string;
  argv: string[];
  body?: CallBody;
}

/** Why a call stopped for approval, with everything needed to run exactly it later. */
export interface PendingApproval {
  /** The call as the model asked for it; resuming runs these exact arguments. */
  call: ToolCall;
  /** Calls the model asked for after it in the same turn, not run yet. */
  remaining: ToolCall[];
  /** The conversation so far: history, the user's message, the model's turns and tool results. */
  messages: ChatMessage[];
  /** Model rounds spent, so a resumed run keeps the agent's max_iterations budget. */
  iterations: number;
  command: ApprovalCommand;
  classification: CommandClass;
  /** Chain picked by the first matching `approval.rules` entry; absent: the flow's default chain. */
  chain?: string;
  /** The require_for entry, rule or classifier verdict that matched. */
  reason: string;
}

/** An approved call to run before anything else, without asking again, then the loop goes on. */
export interface TaskResume {
  approved: ToolCall;
  remaining: ToolCall[];
  messages: ChatMessage[];
  iterations: number;
}

export interface TaskRequest {
  taskId: string;
  flow: TaskFlow;
  agent: TaskAgent;
  modules: TaskModules;
  message: TaskMessage;
  /** Earlier turns of this conversation (the memory namespace), oldest first. */
  history: ChatMessage[];
  toolTimeoutMs: number;
  /** Per tool call and stream (stdout, stderr, response body); the rest is dropped with a `…[truncated N bytes]` marker. */
  maxOutputBytes: number;
  /** Whole-task deadline; the kernel also enforces its own. */
  taskTimeoutMs?: number;
  /** Absent: no call needs approval. */
  approval?: TaskApprovalPolicy;
  /** Set when this task continues a run suspended for approval. */
  resume?: TaskResume;
}

export const TaskErrorCode = {
  /** The request was not a valid TaskRequest. */
  BAD_REQUEST: 'bad_request',
  /** The model module could not be loaded or a model call failed (see `modelErrorKind`). */
  MODEL_ERROR: 'model_error',
  /** A tool module could not be loaded or is not a ToolImpl. */
  TOOL_ERROR: 'tool_error',
  MAX_ITERATIONS: 'max_iterations',
  TIMEOUT: 'timeout',
  CANCELLED: 'cancelled',
  /** A bug in the sandbox itself. */
  INTERNAL: 'internal',
} as const;

export type TaskErrorCode = (typeof TaskErrorCode)[keyof typeof TaskErrorCode];

export interface TaskError {
  code: TaskErrorCode;
  /** Operator-facing detail (no secrets); `reply` carries the user-facing text. */
  message: string;
  /** With `model_error`: why the provider failed (auth, rate_limit, ...). */
  modelErrorKind?: ModelErrorKind;
}

export interface ToolCallRecord {
  name: string;
  args: Record<string, unknown>;
  ok: boolean;
  exitCode: number | null;
  ms: number;
  /** Set when policy refused the call; it never ran. */
  refused?: string;
}

export interface TaskResult {
  taskId: string;
  /** `awaiting_approval`: a call needs approval; `pending` holds it and the run's state. */
  status: 'ok' | 'error' | 'awaiting_approval';
  /** What to post in the thread; always set, also on errors. */
  reply: string;
  usage: TokenUsage;
  toolCalls: ToolCallRecord[];
  /**
   * What to append to the memory namespace: the user's message and the final reply. Tool
   * round-trips stay out so trimmed history never starts with an orphaned tool result.
   */
  newMessages: ChatMessage[];
  error?: TaskError;
  pending?: PendingApproval;
}

/** Why a value is not a TaskRequest, or undefined when it is one (shallow: enough to fail cleanly). */
export function invalidTaskRequest(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'request is not an object';
  const request = value as Partial<TaskRequest>;
  if (typeof request.taskId !== 'string') return 'taskId must be a string';
  if (typeof request.flow?.name !== 'string' || !isRecord(request.flow.env)) return 'flow needs name and env';
  if (typeof request.agent?.model !== 'string' || !Array.isArray(request.agent.tools) || !isRecord(request.agent.toolConfig)) {
    return 'agent needs model, tools and toolConfig';
  }
  if (typeof request.modules?.model !== 'string' || !isRecord(request.modules.tools)) return 'modules needs model and tools';
  if (typeof request.message?.text !== 'string') return 'message.text must be a string';
  if (!Array.isArray(request.history)) return 'history must be an array';
  if (request.resume !== undefined && (!isRecord(request.resume.approved) || !Array.isArray(request.resume.messages))) {
    return 'resume needs approved and messages';
  }
  if (!(Number(request.toolTimeoutMs) > 0) || !(Number(request.maxOutputBytes) > 0)) {
    return 'toolTimeoutMs and maxOutputBytes must be positive';
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
