/**
 * Conversation memory, one namespace per flow + platform + workspace + channel + thread, kept
 * in the StateStore (in memory on one node, Redis in a cluster). A task sees its namespace's
 * history only: two flows in the same channel, or two threads, never see each other's turns.
 */
import type { ChatMessage, DaemonConfigSpec, InboundMessage, LoadedFlow, StateStore } from '@aof/api';

export interface MemorySettings {
  /** 0 turns memory off for the flow. */
  maxMessages: number;
  ttlMs: number;
}

/**
 * `mem:<flow>:<platform>:<workspace>:<channel>:<thread>`, `-` for an absent part. `%` and `:`
 * inside a part are escaped, so no id can forge another namespace's key.
 */
export function memoryKey(flow: string, message: Pick<InboundMessage, 'platform' | 'workspace' | 'channel' | 'thread'>): string {
  const parts = [flow, message.platform, message.workspace, message.channel.id, message.thread];
  return `mem:${parts.map(keyPart).join(':')}`;
}

function keyPart(part: string | undefined): string {
  if (part === undefined || part === '') return '-';
  return part.replaceAll('%', '%25').replaceAll(':', '%3A');
}

export class ConversationMemory {
  readonly #store: StateStore;
  readonly #defaults: DaemonConfigSpec['memory'];

  constructor(store: StateStore, defaults: DaemonConfigSpec['memory']) {
    this.#store = store;
    this.#defaults = defaults;
  }

  settings(flow: LoadedFlow): MemorySettings {
    const own = flow.flow.spec.memory ?? {};
    return {
      maxMessages: Math.max(0, own.max_messages ?? this.#defaults.max_messages),
      ttlMs: (own.ttl_secs ?? this.#defaults.ttl_secs) * 1000,
    };
  }

  /** The newest `maxMessages` turns, oldest first; entries that do not parse as messages are skipped. */
  async load(key: string, settings: MemorySettings): Promise<ChatMessage[]> {
    if (settings.maxMessages === 0) return [];
    const raw = await this.#store.listRange(key, -settings.maxMessages, -1);
    return raw.flatMap((entry) => {
      const message = parseMessage(entry);
      return message === undefined ? [] : [message];
    });
  }

  async append(key: string, messages: readonly ChatMessage[], settings: MemorySettings): Promise<void> {
    if (settings.maxMessages === 0 || messages.length === 0) return;
    await this.#store.listPush(key, ...messages.map((message) => JSON.stringify(message)));
    // Both act on the list the push made and not on each other: sent together, they share one
    // round trip to a networked store.
    await Promise.all([
      this.#store.listTrim(key, -settings.maxMessages, -1),
      settings.ttlMs > 0 ? this.#store.expire(key, settings.ttlMs) : undefined,
    ]);
  }
}

const ROLES = new Set<string>(['system', 'user', 'assistant', 'tool']);

function parseMessage(entry: string): ChatMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(entry);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Partial<ChatMessage>;
  if (typeof message.role !== 'string' || !ROLES.has(message.role) || typeof message.content !== 'string') return undefined;
  return message as ChatMessage;
}
