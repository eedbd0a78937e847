/**
 * Types of the three configuration kinds. The JSON Schemas in config/ are the source of truth;
 * these mirror them (test/config/schema-types.test.ts keeps both in step).
 */
export const API_GROUP_VERSION = 'aof.dev/v1';

export interface Metadata {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface TriggerConfig {
  /** Platform event types (app_mention, message, ...); absent means any. */
  events?: string[];
  /** Channel ids or names (`production`, `#production`), `*` for any. */
  channels?: string[];
  /** Telegram's word for `channels` (chat ids, titles, @usernames); a flow may use either or both. */
  chats?: string[];
  /** Platform user ids or usernames, `*` for any. */
  users?: string[];
  /** Regular expressions (RE2 syntax, `(?i)` for case-insensitive). */
  patterns?: string[];
  /** Platform credentials and options (bot_token, signing_secret, ...): passed to the platform plugin. */
  [key: string]: unknown;
}

export interface FlowTrigger {
  /** Platform (Slack, Telegram, Discord, WhatsApp, Local); absent means every platform. */
  type?: string;
  config?: TriggerConfig;
}

export interface FlowContext {
  organization?: string;
  kubeconfig?: string;
  namespace?: string;
  cluster_name?: string;
  env?: Record<string, string>;
}

export type AgentPriority = 'low' | 'normal' | 'high' | 'critical';

export interface FlowAgentRef {
  name: string;
  patterns?: string[];
  priority?: AgentPriority;
  /** Narrows the agent's own tool list for this flow. */
  tools?: string[];
  tool_config?: Record<string, Record<string, unknown>>;
}

export interface ApprovalChain {
  name: string;
  approvers: string[];
  require: number;
}

export interface ApprovalConfig {
  allowed_users?: string[];
  require_for?: string[];
  chains?: ApprovalChain[];
  rules?: Array<{ pattern: string; chain: string }>;
  timeout_secs?: number;
  self_approval?: boolean;
  strategy?: string;
}

export interface FlowLimits {
  max_requests_per_hour?: number;
  max_tokens_per_request?: number;
}

export interface FlowSandbox {
  runtime?: 'node' | 'deno';
  max_memory_mb?: number;
  max_threads?: number;
  idle_timeout_secs?: number;
}

export interface FlowMemory {
  max_messages?: number;
  ttl_secs?: number;
}

export interface AgentFlowSpec {
  trigger?: FlowTrigger;
  context?: FlowContext;
  agents: FlowAgentRef[];
  approval?: ApprovalConfig;
  limits?: FlowLimits;
  sandbox?: FlowSandbox;
  memory?: FlowMemory;
}

export interface AgentFlow {
  apiVersion: typeof API_GROUP_VERSION;
  kind: 'AgentFlow';
  metadata: Metadata;
  spec: AgentFlowSpec;
}

export interface AgentSpec {
  /** `provider:model` (`openai:gpt-4o`) or a bare provider (`command`). */
  model: string;
  system_prompt?: string;
  /** Alias of system_prompt. */
  instructions?: string;
  tools?: string[];
  tool_config?: Record<string, Record<string, unknown>>;
  max_iterations?: number;
  temperature?: number;
  max_tokens?: number;
  base_url?: string;
  api_key_env?: string;
}

export interface Agent {
  apiVersion: typeof API_GROUP_VERSION;
  kind: 'Agent';
  metadata: Metadata;
  spec: AgentSpec;
}

export interface RoutingWeights {
  channel: number;
  user: number;
  pattern: number;
  platform: number;
  catch_all: number;
}

export interface RoutingConfig {
  default_agent?: string;
  strict_mode: boolean;
  weights: RoutingWeights;
}

export interface PlatformConfig {
  enabled?: boolean;
  [key: string]: unknown;
}

export interface PluginEntry {
  /** Built-in short name (`slack`), npm package name, or a path (`./plugins/x`). */
  use: string;
  enabled?: boolean;
  config?: Record<string, unknown>;
}

export interface RateLimit {
  max_requests_per_minute?: number;
  max_requests_per_hour?: number;
  max_tokens_per_day?: number;
}

export interface DaemonLimits {
  global?: RateLimit;
  per_organization?: RateLimit;
  per_flow?: RateLimit;
  per_user?: RateLimit;
}

export interface DaemonConfigSpec {
  server: {
    port: number;
    host: string;
    cors?: boolean;
    /** How long a client may take to send a whole request; a slower one gets 408 (the schema defaults it to 30). */
    timeout_secs?: number;
    body_limit_bytes: number;
    /** On SIGTERM, how long running tasks may finish before they are stopped (the schema defaults it to 30). */
    shutdown_grace_secs?: number;
    cluster_mode?: boolean;
    redis_url?: string;
    node_id?: string;
  };
  /** Keyed by lower-case platform name (`trigger.type: Slack` uses `platforms.slack`). */
  platforms: Record<string, PlatformConfig>;
  agents: { directory: string; watch: boolean; recursive: boolean };
  flows: { enabled: boolean; directory: string; watch: boolean; recursive: boolean };
  routing: RoutingConfig;
  runtime: {
    max_concurrent_tasks: number;
    task_timeout_secs: number;
    max_tasks_per_user: number;
    queue_size: number;
    /** One busy or rate-limited notice per user and channel in this many seconds (default 30; 0: one per refused message). */
    refusal_notice_interval_secs?: number;
    /** Nice steps below the daemon for sandbox threads, Deno processes and the tools they start (Linux; default 10, 0: the daemon's). */
    sandbox_nice?: number;
    /** Live sandbox threads across flows beyond which a flow gets no second thread (default: 4 per core, at least 8). */
    max_sandbox_threads?: number;
    distributed?: boolean;
    task_queue?: 'memory' | 'redis';
  };
  /** Defaults for every flow's sandbox; a flow's spec.sandbox overrides them. */
  sandbox: { max_memory_mb: number; idle_timeout_secs: number };
  /** Defaults for every flow's conversation memory. */
  memory: { max_messages: number; ttl_secs: number };
  limits?: DaemonLimits;
  logging: { level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent'; format: 'json' | 'pretty' };
  admin: { enabled: boolean; token?: string; token_env?: string; prefix?: string; port?: number };
  /** Plugin names written as plain strings are loaded as `{ use: name, enabled: true }`. */
  plugins: PluginEntry[];
  /** Fields this daemon does not know stay in the data (they are reported as warnings). */
  [key: string]: unknown;
}

export interface DaemonConfig {
  apiVersion: typeof API_GROUP_VERSION;
  kind: 'DaemonConfig';
  metadata: Metadata;
  spec: DaemonConfigSpec;
}

/** A flow as loaded: the document plus where it came from and whether it can receive messages. */
export interface LoadedFlow {
  flow: AgentFlow;
  /** Position in the deterministic load order; ties in routing go to the lower index. */
  index: number;
  source: SourceLocation;
  active: boolean;
  /** Why an inactive flow is inactive (its platform is not enabled, a variable is missing, ...). */
  inactiveReason?: string;
}

export interface LoadedAgent {
  agent: Agent;
  source: SourceLocation;
}

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** Index of the document in a multi-document file. */
  document?: number;
}
