/**
 * The expiry clocks of pending approval requests on this node: one timer per request, the
 * expiries running now (so close() waits for them), and in cluster mode the periodic sweep that
 * arms clocks for requests other nodes asked. Timers are bookkeeping: none keeps a stopping
 * daemon (or a test) alive.
 */
import type { Logger } from '@aof/api';
import type { ApprovalRecord } from './types.js';

/** setTimeout's limit; a later expiry is re-armed when this fires. */
const MAX_TIMER_MS = 2_147_483_647;

export class ExpiryClocks {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #expiring = new Set<Promise<void>>();
  readonly #expire: (record: ApprovalRecord) => Promise<void>;
  readonly #now: () => number;
  readonly #logger: Logger;
  #sweep: NodeJS.Timeout | undefined;

  constructor(options: { expire: (record: ApprovalRecord) => Promise<void>; now: () => number; logger: Logger }) {
    this.#expire = options.expire;
    this.#now = options.now;
    this.#logger = options.logger;
  }

  has(id: string): boolean {
    return this.#timers.has(id);
  }

  /** Arms (or re-arms) the request's clock; one already past expires at once. */
  schedule(record: ApprovalRecord): void {
    this.cancel(record.id);
    const delay = Math.max(0, record.expiresAt - this.#now());
    const timer = setTimeout(() => {
      this.#timers.delete(record.id);
      if (delay > MAX_TIMER_MS) return this.schedule(record);
      const work = this.#expire(record).catch((error: unknown) => {
        this.#logger.error({ approval_id: record.id, err: error }, 'could not expire the approval request');
      });
      this.#expiring.add(work);
      void work.finally(() => this.#expiring.delete(work));
    }, Math.min(delay, MAX_TIMER_MS));
    timer.unref();
    this.#timers.set(record.id, timer);
  }

  cancel(id: string): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
  }

  /** Runs `sweep` every `intervalMs` (cluster mode); its failures are logged. */
  sweepEvery(intervalMs: number, sweep: () => Promise<void>): void {
    clearInterval(this.#sweep);
    this.#sweep = setInterval(() => {
      sweep().catch((error: unknown) => this.#logger.warn({ err: error }, 'could not read due approvals from the shared store'));
    }, intervalMs);
    this.#sweep.unref();
  }

  /** Stops every clock and the sweep, and waits for the expiries already running. */
  async close(): Promise<void> {
    clearInterval(this.#sweep);
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await Promise.allSettled(this.#expiring);
  }
}
