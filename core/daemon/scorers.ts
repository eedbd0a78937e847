import type { ScorerInstance } from '@aof/api';
import type { Kernel } from '../kernel/kernel.js';
import type { ScorerEntry } from '../router/flow-router.js';

/** The scorer chain in plugin order, as the router applies it. */
export function scorerEntries(kernel: Kernel): ScorerEntry[] {
  return kernel.plugins('scorer').map((loaded) => {
    const instance = loaded.instance as ScorerInstance;
    return { name: loaded.name, scorer: instance.scorer, mode: instance.mode ?? 'adjust' };
  });
}
