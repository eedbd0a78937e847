/**
 * Worker-side contracts for tool and model plugin authors. Everything here runs inside a
 * sandbox worker (Node worker thread today, Deno tomorrow), so it uses web-standard APIs only
 * and reaches the OS through `SandboxHost`. A tool plugin's worker module default-exports a
 * `ToolImpl`; a model plugin's worker module default-exports a `ModelProvider`.
 */

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface ToolCall {
  /** Provider-assigned id; tool results answer it with `toolCallId`. */
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export interface ChatMessage {
  role: ChatRole;
  content: string;
  /** Tools an assistant message asked for. */
  toolCalls?: ToolCall[];
  /** On a `tool` message: the call this is the result of. */
  toolCallId?: string;
}

export type JsonSchema = Record<string, unknown>;

export interface ToolSpec {
  name: string;
  /** Shown to the model; say what the tool does and when to use it. */
  description: string;
  /** JSON Schema of the tool's arguments object. */
  parameters: JsonSchema;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface SpawnOptions {
  /** The child's whole environment: never merged with the host's own. PATH lookup uses its PATH. */
  env: Record<string, string>;
  /** The child is killed (SIGKILL) after this long. */
  timeoutMs: number;
  /** Per stream (stdout, stderr); the rest is dropped and counted in a truncation marker. */
  maxOutputBytes: number;
  signal?: AbortSignal;
  stdin?: string;
}

export interface SpawnResult {
  /** Null when the process did not exit on its own (killed, not found). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Some output was dropped; the text ends with a `…[truncated N bytes]` marker. */
  truncated: boolean;
  /** Killed for running past `timeoutMs` or because `signal` aborted. */
  timedOut: boolean;
  /** The executable was not found on the PATH given in `env`. */
  notFound: boolean;
}

/** The only way worker-side code reaches the OS; one implementation per runtime (Node, Deno). */
export interface SandboxHost {
  /** Runs argv directly, never through a shell. */
  spawn(argv: string[], options: SpawnOptions): Promise<SpawnResult>;
  /** The worker's own environment (not the flow's; that arrives with each task). */
  env(): Record<string, string>;
  /** Epoch milliseconds. */
  now(): number;
  fetch: typeof fetch;
}

export interface ToolContext {
  host: SandboxHost;
  /** The flow's environment: pass it to every process the tool starts. */
  env: Record<string, string>;
  /** This tool's `tool_config` entry for the agent (`{}` when none). */
  config: Record<string, unknown>;
  /** The flow the call runs for; `namespace` is the flow's default Kubernetes namespace. */
  flow: { name: string; namespace?: string; cluster?: string };
  /** Aborts when the call's time is up or the task is cancelled. */
  signal: AbortSignal;
  timeoutMs: number;
  /** Cap for each stream of output the tool returns (stdout, stderr, a response body); mark cuts with `truncateOutput`. */
  maxOutputBytes: number;
}

export interface ToolOutput {
  ok: boolean;
  /** What the model (or the user, with the `command` model) reads. */
  output: string;
  exitCode?: number | null;
  truncated?: boolean;
}

export interface ToolImpl {
  spec: ToolSpec;
  /** Must not throw for bad arguments: return `{ok: false}` saying what was expected. */
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolOutput>;
  /** Turns a typed command line (`kubectl get pods` minus the tool name) into arguments, for the `command` model. */
  parseCommand?(argv: string[]): Record<string, unknown>;
}

export interface ModelRequest {
  /** The part after `provider:` in the agent's model (empty for a bare provider). */
  model: string;
  system?: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  temperature?: number;
  maxTokens?: number;
  signal: AbortSignal;
}

export interface ModelResponse {
  content: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
}

export interface PostJsonInit {
  headers: Record<string, string>;
  body: unknown;
}

export interface ModelContext {
  host: SandboxHost;
  env: Record<string, string>;
  /** The provider name the agent used (`openai`, `ollama`, ...): one module can serve several. */
  provider: string;
  baseUrl?: string;
  apiKey?: string;
  /** Per HTTP attempt. */
  timeoutMs: number;
  /**
   * POSTs JSON and returns the parsed response, with the sandbox's shared policy: per-attempt
   * timeout, one retry on 5xx and on a short 429, and failures thrown as `ModelError`.
   */
  postJson(url: string, init: PostJsonInit): Promise<unknown>;
  /** A tool's arguments for a typed command line (its `parseCommand`, else `{args: argv}`). */
  parseCommand(tool: string, argv: string[]): Record<string, unknown>;
}

export interface ModelProvider {
  complete(request: ModelRequest, ctx: ModelContext): Promise<ModelResponse>;
}

export type ModelErrorKind = 'auth' | 'rate_limit' | 'server' | 'bad_response' | 'bad_request' | 'timeout' | 'unreachable';

export interface ModelErrorOptions {
  status?: number;
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** A model call failed; `kind` lets the kernel count failures by cause. The message is safe to show users. */
export class ModelError extends Error {
  readonly kind: ModelErrorKind;
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: ModelErrorKind, message: string, options: ModelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelError';
    this.kind = kind;
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** By shape, not `instanceof`: a plugin may bundle its own copy of this module. */
export function isModelError(value: unknown): value is ModelError {
  return value instanceof Error && value.name === 'ModelError' && typeof (value as ModelError).kind === 'string';
}

export function defineToolImpl(impl: ToolImpl): ToolImpl {
  return impl;
}

export function defineModelProvider(provider: ModelProvider): ModelProvider {
  return provider;
}

/** The value as a string array, or undefined when it is anything else. */
export function readStringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}

/**
 * For pflag CLIs (kubectl, helm): puts the flow's namespace first unless the call picks one.
 * First, so a namespace flag the call does carry (even one this check misses) comes later and wins.
 */
export function withDefaultNamespace(argv: readonly string[], namespace: string | undefined): string[] {
  if (namespace === undefined || namespace === '') return [...argv];
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  const picksOne = flags.some((arg) => arg === '-n' || /^-n./.test(arg) || /^--namespace(=|$)/.test(arg) ||
    arg === '-A' || /^--all[-_]namespaces(=|$)/.test(arg));
  return picksOne ? [...argv] : [`--namespace=${namespace}`, ...argv];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function truncationMarker(droppedBytes: number): string {
  return `…[truncated ${droppedBytes} bytes]`;
}

/** Caps text at `maxBytes` of UTF-8 (never splitting a character) and marks what was dropped. */
export function truncateOutput(text: string, maxBytes: number): { text: string; truncated: boolean } {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: most outputs fit without being encoded at all.
  if (text.length * 3 <= maxBytes) return { text, truncated: false };
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return { text, truncated: false };
  let cut = Math.max(0, maxBytes);
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return { text: decoder.decode(bytes.subarray(0, cut)) + truncationMarker(bytes.length - cut), truncated: true };
}

/** The usual way a tool reports a finished process: clear messages for missing binaries and timeouts, exit code and stderr on failure. */
export function spawnToolOutput(binary: string, result: SpawnResult, timeoutMs: number): ToolOutput {
  const base = { exitCode: result.exitCode, truncated: result.truncated };
  if (result.notFound) return { ...base, ok: false, output: `${binary} is not installed on this host` };
  const streams = [result.stdout.trimEnd(), result.stderr.trimEnd() && `stderr:\n${result.stderr.trimEnd()}`]
    .filter((part) => part !== '').join('\n');
  if (result.timedOut) {
    return { ...base, ok: false, output: `${binary} timed out after ${timeoutMs} ms and was killed${streams && `\n${streams}`}` };
  }
  if (result.exitCode !== 0) {
    return { ...base, ok: false, output: `${binary} exited with code ${result.exitCode ?? 'none'}${streams && `\n${streams}`}` };
  }
  return { ...base, ok: true, output: streams || '(no output)' };
}
