import type { InboundMessage } from './message.js';
import type { ApprovalMode, PlatformInstance } from './platform.js';
import type { Scorer } from './scorer.js';
import type { ServiceRef } from './services.js';
import type { StateStore } from './store.js';

/** Bumped when the plugin contract changes incompatibly; the kernel refuses other versions. */
export const PLUGIN_API_VERSION = 1;

const PLUGIN_TAG = Symbol.for('aof.plugin');

export type PluginKind = 'platform' | 'scorer' | 'approval' | 'tool' | 'model' | 'store';

export interface Lifecycle {
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}

/** Moved to platform.ts with its optional capabilities; re-exported here so existing imports keep working. */
export type { PlatformInstance } from './platform.js';

export interface ScorerInstance extends Lifecycle {
  scorer: Scorer;
  /** `replace` drops the scorers before it (the built-in weighted scorer included); `adjust` (default) runs after them. */
  mode?: 'replace' | 'adjust';
}

export interface ToolDescriptor {
  name: string;
  description: string;
  /** Module specifier or file URL of the worker-side implementation the sandbox imports. */
  module: string;
  /** Executables the tool runs (for sandbox permissions). */
  binaries?: string[];
}

export interface ToolInstance extends Lifecycle {
  tools: ToolDescriptor[];
}

export interface ModelInstance extends Lifecycle {
  /** Provider names this plugin serves (`openai`, `ollama`, `command`). */
  providers: string[];
  /** Worker-side module implementing the provider. */
  module: string;
  /**
   * Base URL each provider calls when the agent sets no `base_url`. The kernel puts it in the
   * task, so the sandbox's network permission (Deno `--allow-net`) names the host it will reach.
   */
  defaultBaseUrls?: Record<string, string>;
}

/** How a request is posted: with reactions or buttons (platform capabilities), or `command`: a plain message asking for `/approve ID`. */
export type ApprovalPostMode = ApprovalMode | 'command';

/** What one event means for a request. The kernel alone decides whether it counts (approvers, N of M, expiry). */
export type ApprovalVote = 'approve' | 'deny' | 'withdraw';

/** What a strategy knows about the request an event refers to (the kernel found it by message id, button value or command id). */
export interface ApprovalVoteContext {
  request: {
    /** The id people type in `/approve ID` and buttons carry as their value. */
    id: string;
    flow: string;
    /** How the request was actually posted (a platform without the strategy's mode gets another). */
    mode: ApprovalPostMode;
    /** The posted approval message, when the platform returned one. */
    messageId?: string;
    /** Epoch milliseconds after which the kernel refuses every vote. */
    expiresAt: number;
  };
  /** The platform's own approve/deny reaction names (`PlatformInstance.approvalReactions`), when it has any. */
  platformReactions?: { approve: readonly string[]; deny: readonly string[] };
  /** Epoch milliseconds the event is judged at. */
  now: number;
}

/**
 * An approval strategy: how a request is posted and how an event (reaction, button, command)
 * reads as a vote. Who may vote, how many approvals are needed, self-approval and expiry are
 * kernel rules a strategy cannot loosen; a strategy can only narrow them by ignoring events.
 */
export interface ApprovalInstance extends Lifecycle {
  /** Strategy name flows pick with `approval.strategy`. */
  strategy: string;
  /** How to post requests (default `reaction`); the kernel falls back to the platform's preferred mode, then to `command`. */
  mode?: ApprovalPostMode;
  /** The vote `event` casts on the request in `context`, or undefined when it is not one (ignored). */
  interpret(event: InboundMessage, context: ApprovalVoteContext): ApprovalVote | undefined;
}

export interface StoreInstance extends Lifecycle {
  store: StateStore;
}

export interface PluginInstances {
  platform: PlatformInstance;
  scorer: ScorerInstance;
  approval: ApprovalInstance;
  tool: ToolInstance;
  model: ModelInstance;
  store: StoreInstance;
}

export type DepsSpec = Record<string, ServiceRef<unknown>>;

export type ResolvedDeps<D extends DepsSpec> = {
  [K in keyof D]: D[K] extends ServiceRef<infer T> ? T : never;
};

export interface PluginInitContext<C, D extends DepsSpec> {
  /** The plugin's name as loaded. */
  name: string;
  /** The plugin's config, validated against `configSchema` with defaults applied. */
  config: C;
  deps: ResolvedDeps<D>;
}

export interface PluginDefinition<K extends PluginKind, C, D extends DepsSpec> {
  name: string;
  kind: K;
  version?: string;
  /** Plugin API version the plugin was written for; defaults to the current one. */
  apiVersion?: number;
  /** JSON Schema of the plugin's config; validated before any plugin code runs. */
  configSchema?: Record<string, unknown>;
  deps?: D;
  init(context: PluginInitContext<C, D>): Promise<PluginInstances[K]> | PluginInstances[K];
}

export interface Plugin<K extends PluginKind = PluginKind, C = unknown, D extends DepsSpec = DepsSpec>
  extends Readonly<PluginDefinition<K, C, D>> {
  readonly apiVersion: number;
}

export function definePlugin<K extends PluginKind, C = Record<string, unknown>, D extends DepsSpec = Record<string, never>>(
  definition: PluginDefinition<K, C, D>,
): Plugin<K, C, D> {
  const plugin = { ...definition, apiVersion: definition.apiVersion ?? PLUGIN_API_VERSION };
  Object.defineProperty(plugin, PLUGIN_TAG, { value: true, enumerable: false });
  return Object.freeze(plugin) as Plugin<K, C, D>;
}

export function isPlugin(value: unknown): value is Plugin {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PLUGIN_TAG] === true &&
    typeof (value as Plugin).name === 'string' && typeof (value as Plugin).init === 'function';
}
