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
/** Reasons that are not a repeat of anything: "AOF is restarting" answers a message that was accepted and queued. */
const ALWAYS_TOLD = new Set(['closed']);
/** A slash command (or any explicit command) always gets its answer: the platform may be waiting for it. */
const CONVERSATIONAL = new Set<InboundMessage['kind']>(['message', 'mention']);

export class RefusalNotices {
  readonly #store: () => StateStore;

  constructor(store: () => StateStore) {
    this.#store = store;
  }

  /** Whether a reply with `status` (for `reason`) to `message` may be folded into an earlier notice at all. */
  static foldable(message: InboundMessage, status: string, reason?: string): boolean {
    return REFUSALS.has(status) && CONVERSATIONAL.has(message.kind) && !ALWAYS_TOLD.has(reason ?? '');
  }

  /**
   * True when this notice should be posted: the first for this user, channel and status in
   * `intervalMs` (> 0; the pipeline posts every notice without asking when the interval is 0).
   * Rejects when the store does; the caller then posts it.
   */
  async claim(message: InboundMessage, status: string, intervalMs: number): Promise<boolean> {
    return this.#store().set(noticeKey(message, status), '1', { ttlMs: intervalMs, ifAbsent: true });
  }

  /** Gives a claim back when its notice could not be posted, so the next refusal is told instead of held. */
  async release(message: InboundMessage, status: string): Promise<void> {
    await this.#store().delete(noticeKey(message, status));
  }
}

function noticeKey(message: InboundMessage, status: string): string {
  return `notice:${JSON.stringify([message.platform, message.workspace ?? '', message.channel.id, message.user.id, status])}`;
}
