/**
 * When AOF turns messages away (busy, rate limited), each user hears it once per channel and
 * interval, not once per message: under a flood, one notice per message would fill the channel
 * and spend its share of the chat platform's rate limit (Slack allows about one message per
 * second per channel) that the real answers need. The claim goes through the state store, so
 * a cluster posts one notice per user and channel, not one per node.
 */
import type { InboundMessage, StateStore } from '@aof/api';

export const DEFAULT_REFUSAL_NOTICE_INTERVAL_SECS = 30;

/** Statuses whose reply is a refusal notice rather than an answer. */
const REFUSALS = new Set(['busy', 'rate_limited']);
/** A slash command (or any explicit command) always gets its answer: the platform may be waiting for it. */
const CONVERSATIONAL = new Set<InboundMessage['kind']>(['message', 'mention']);

export class RefusalNotices {
  readonly #store: () => StateStore;

  constructor(store: () => StateStore) {
    this.#store = store;
  }

  /** Whether a reply with `status` to `message` may be folded into an earlier notice at all. */
  static foldable(message: InboundMessage, status: string): boolean {
    return REFUSALS.has(status) && CONVERSATIONAL.has(message.kind);
  }

  /**
   * True when this notice should be posted: the first for this user, channel and status in
   * `intervalMs` (> 0; the pipeline posts every notice without asking when the interval is 0).
   * Rejects when the store does; the caller then posts it.
   */
  async claim(message: InboundMessage, status: string, intervalMs: number): Promise<boolean> {
    const key = `notice:${JSON.stringify([message.platform, message.workspace ?? '', message.channel.id, message.user.id, status])}`;
    return this.#store().set(key, '1', { ttlMs: intervalMs, ifAbsent: true });
  }
}
