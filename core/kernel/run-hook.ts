import { AofError, ErrorCode } from '@aof/api';
import { describeCause } from './describe-cause.js';
import type { HookName } from './types.js';

export type HookResult<T> = { ok: true; value: T } | { ok: false; error: AofError };

/**
 * Every call into plugin code goes through here: one place that bounds how long a plugin may
 * take and gives its failure a code plus the plugin's name and hook. It never throws, so boot
 * and shutdown can collect every failure instead of stopping at the first.
 */
export async function runHook<T>(
  plugin: string,
  hook: HookName,
  call: () => T | Promise<T>,
  timeoutMs: number,
): Promise<HookResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<HookResult<T>>((resolve) => {
    timer = setTimeout(() => resolve({
      ok: false,
      error: new AofError(ErrorCode.PLUGIN_TIMEOUT, `plugin "${plugin}" did not finish ${hook} within ${timeoutMs} ms`, {
        plugin,
        hook,
        details: { timeoutMs },
      }),
    }), timeoutMs);
  });
  const settled = Promise.resolve()
    .then(call)
    .then(
      (value): HookResult<T> => ({ ok: true, value }),
      (cause: unknown): HookResult<T> => ({
        ok: false,
        error: new AofError(ErrorCode.PLUGIN_HOOK_FAILED, `plugin "${plugin}" failed in ${hook}: ${describeCause(cause)}`, {
          plugin,
          hook,
          cause,
        }),
      }),
    );
  try {
    return await Promise.race([settled, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
