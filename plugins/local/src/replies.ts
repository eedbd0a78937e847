import type { OutboundReply, StateStore } from '@aof/api';

export interface LocalReply {
  id: string;
  status: string;
  flow: string | null;
  agent: string | null;
  reply: string | null;
  latency_ms: number | null;
  request_id?: string;
  reason?: string;
}

const KEY_PREFIX = 'local:reply:';

/**
 * Replies by message id: kept in the store (so any node can answer `GET .../:id`) and handed
 * straight to a request waiting with `?wait=true`.
 */
export class ReplyBook {
  readonly #waiting = new Map<string, (reply: LocalReply) => void>();
  readonly #timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly store: StateStore, private readonly ttlMs: number) {}

  async accepted(id: string): Promise<void> {
    await this.store.set(KEY_PREFIX + id, JSON.stringify(pending(id)), { ttlMs: this.ttlMs });
  }

  /** Resolves with the reply, or with a `pending` record once `timeoutMs` passes. */
  wait(id: string, timeoutMs: number): Promise<LocalReply> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        this.#timers.delete(id);
        resolve(pending(id));
      }, timeoutMs);
      this.#timers.set(id, timer);
      this.#waiting.set(id, (reply) => {
        clearTimeout(timer);
        this.#timers.delete(id);
        resolve(reply);
      });
    });
  }

  /** Forgets a wait that will never be answered, timer included (it would hold the process for the whole wait). */
  cancel(id: string): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    this.#waiting.delete(id);
  }

  /** Called by the platform's `send`: the kernel's answer to message `replyTo`. */
  async record(reply: OutboundReply): Promise<void> {
    if (reply.replyTo === undefined) return;
    await this.settle({
      id: reply.replyTo,
      status: reply.outcome?.status ?? 'ok',
      flow: reply.outcome?.flow ?? null,
      agent: reply.outcome?.agent ?? null,
      reply: reply.text,
      latency_ms: reply.outcome?.latencyMs ?? null,
      ...(reply.outcome?.requestId !== undefined && { request_id: reply.outcome.requestId }),
    });
  }

  /**
   * Stores the final record and wakes a request waiting for it. The write goes out first (a
   * client that reads the record after its answer finds it), but a waiting request gets its
   * answer even when the store cannot keep it (an outage); only an answer nobody waits for
   * fails with the store.
   */
  async settle(record: LocalReply): Promise<void> {
    const written = this.store.set(KEY_PREFIX + record.id, JSON.stringify(record), { ttlMs: this.ttlMs });
    const waiter = this.#waiting.get(record.id);
    this.#waiting.delete(record.id);
    waiter?.(record);
    try {
      await written;
    } catch (error) {
      if (waiter === undefined) throw error;
    }
  }

  async get(id: string): Promise<LocalReply | undefined> {
    const raw = await this.store.get(KEY_PREFIX + id);
    return raw === undefined ? undefined : (JSON.parse(raw) as LocalReply);
  }
}

function pending(id: string): LocalReply {
  return { id, status: 'pending', flow: null, agent: null, reply: null, latency_ms: null };
}
