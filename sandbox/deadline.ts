/**
 * An AbortSignal that fires when `parent` aborts or `ms` pass, and that can be disposed.
 * `AbortSignal.timeout` keeps its timer (and everything the signal references) alive until it
 * fires, so a busy worker running thousands of short tasks would hold minutes of garbage;
 * disposing forgets the deadline as soon as the work is done.
 *
 * Every task and every tool call has a deadline, and almost all of them end long before it. So
 * one timer serves all of a thread's deadlines (armed for the earliest, left armed when that
 * work ends early, re-armed when it fires), and a deadline whose parent is another deadline is
 * linked to it directly instead of through an abort listener. A timer and a listener per
 * deadline cost a short task a sixth of its time on a sandbox thread whose code is still cold.
 * The AbortSignal itself is made on first use: most tasks (the echo tool, the command model)
 * never read one, and creating it was a tenth of a short task's CPU.
 */
export interface Deadline {
  /** Made on first read; aborted at once if the deadline already has. */
  readonly signal: AbortSignal;
  readonly aborted: boolean;
  /** True when the time ran out (as opposed to the parent aborting). */
  readonly expired: boolean;
  /** Throws the abort reason, as AbortSignal.throwIfAborted, without making the signal. */
  throwIfAborted(): void;
  /** Calls `listener` once the signal aborts (at once if it has): a hook without an event listener. */
  onAbort(listener: () => void): void;
  dispose(): void;
}

/** Deadlines by the signal they hand out, so a child deadline finds its parent without a listener. */
const bySignal = new WeakMap<AbortSignal, Limit>();

/** `parent`: another deadline (linked without a signal) or any AbortSignal. */
export function deadline(parent: Deadline | AbortSignal | undefined, ms: number | undefined): Deadline {
  // Every Deadline is a Limit: this function is the only maker of either.
  return new Limit(parent as Limit | AbortSignal | undefined, ms);
}

class Limit implements Deadline {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;
  /** `performance.now()` at which it expires (monotonic: a wall-clock step moves no deadline); Infinity without a limit. */
  readonly at: number;
  readonly #ms: number | undefined;
  #expired = false;
  #disposed = false;
  #children: Set<Limit> | undefined;
  #listeners: (() => void)[] | undefined;
  #parent: Limit | undefined;
  #foreignParent: AbortSignal | undefined;
  readonly #onForeignAbort = (): void => this.abort(this.#foreignParent?.reason);

  constructor(parent: Limit | AbortSignal | undefined, ms: number | undefined) {
    this.#ms = ms;
    this.at = ms === undefined ? Infinity : performance.now() + ms;
    // A signal may be one a Limit handed out (linked directly) or a foreign one (through a listener).
    const own = parent instanceof AbortSignal ? bySignal.get(parent) : parent;
    if (own !== undefined) {
      if (own.#aborted) {
        this.abort(own.#reason);
        return;
      }
      this.#parent = own;
      (own.#children ??= new Set()).add(this);
    } else if (parent instanceof AbortSignal) {
      if (parent.aborted) {
        this.abort(parent.reason);
        return;
      }
      this.#foreignParent = parent;
      parent.addEventListener('abort', this.#onForeignAbort, { once: true });
    }
    if (this.at !== Infinity) clock.add(this);
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      bySignal.set(this.#controller.signal, this);
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  throwIfAborted(): void {
    if (this.#aborted) throw this.#reason;
  }

  get expired(): boolean {
    return this.#expired;
  }

  /** Called by the clock once `at` has passed. */
  expire(): void {
    this.#expired = true;
    this.abort(new DOMException(`timed out after ${this.#ms ?? 0} ms`, 'TimeoutError'));
  }

  onAbort(listener: () => void): void {
    if (this.#aborted) listener();
    else (this.#listeners ??= []).push(listener);
  }

  abort(reason: unknown): void {
    if (this.#disposed || this.#aborted) return;
    this.#aborted = true;
    // As AbortController.abort: no reason means an AbortError.
    this.#reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    this.#controller?.abort(this.#reason);
    clock.delete(this);
    if (this.#children !== undefined) for (const child of this.#children) child.abort(this.#reason);
    if (this.#listeners !== undefined) for (const listener of this.#listeners) listener();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    clock.delete(this);
    if (this.#parent !== undefined) this.#parent.#children?.delete(this);
    this.#foreignParent?.removeEventListener('abort', this.#onForeignAbort);
  }
}

/** The one timer: armed for the earliest pending deadline, holding the thread open only while one is pending. */
const clock = new (class DeadlineClock {
  readonly #pending = new Set<Limit>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;

  add(limit: Limit): void {
    this.#pending.add(limit);
    if (limit.at < this.#timerAt) this.#arm(limit.at);
    else if (this.#pending.size === 1) setRef(this.#timer, true);
  }

  delete(limit: Limit): void {
    if (this.#pending.delete(limit) && this.#pending.size === 0) setRef(this.#timer, false);
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - performance.now()));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = performance.now();
    // Expiring deletes from the set as it goes, which Set iteration allows.
    for (const limit of this.#pending) if (limit.at <= now) limit.expire();
    let next = Infinity;
    for (const limit of this.#pending) if (limit.at < next) next = limit.at;
    if (next !== Infinity && next < this.#timerAt) this.#arm(next);
  }
})();

/** Node timers can stop holding the event loop open; Deno's numeric ids need not (its sandbox process exits itself). */
function setRef(timer: ReturnType<typeof setTimeout> | undefined, ref: boolean): void {
  if (typeof timer !== 'object' || timer === null) return;
  const handle = timer as { ref?: () => unknown; unref?: () => unknown };
  if (ref) handle.ref?.();
  else handle.unref?.();
}
