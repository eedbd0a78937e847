/**
 * What a platform plugin does with a delivery once it has acked it. The work starts after the
 * event loop's current turn (setImmediate), so every delivery read in that turn is acked before
 * any of them is normalized, routed and run: an ack never waits behind the kernel's work for the
 * deliveries read just before it. `idle()` lets the plugin's stop wait for all of it.
 */
export class AfterAck<Item = void> {
  readonly #running = new Set<Promise<void>>();
  readonly #onError: (error: unknown, item: Item) => void;

  /** `onError` hears every failure of the work, with the item `run` was given (to log its id); nothing is thrown to the caller. */
  constructor(onError: (error: unknown, item: Item) => void) {
    this.#onError = onError;
  }

  /** Starts `work` once this turn is over; resolves when it has finished (or failed and was reported). */
  run(work: () => Promise<void>, item: Item): Promise<void> {
    const run = new Promise<void>((resolve) => setImmediate(resolve)).then(work).catch((error: unknown) => this.#onError(error, item));
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
    return run;
  }

  /** Resolves once every piece of work started so far (and any started meanwhile) has finished. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled(this.#running);
  }
}
