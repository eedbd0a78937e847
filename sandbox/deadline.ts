/**
 * An AbortSignal that fires when `parent` aborts or `ms` pass, and that can be disposed.
 * `AbortSignal.timeout` keeps its timer (and everything the signal references) alive until it
 * fires, so a busy worker running thousands of short tasks would hold minutes of garbage;
 * disposing clears the timer and the parent listener as soon as the work is done.
 */
export interface Deadline {
  readonly signal: AbortSignal;
  /** True when the time ran out (as opposed to the parent aborting). */
  readonly expired: boolean;
  dispose(): void;
}

export function deadline(parent: AbortSignal | undefined, ms: number | undefined): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onParentAbort = (): void => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  const timer = ms === undefined ? undefined : setTimeout(() => {
    expired = true;
    controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError'));
  }, ms);
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
