import { Counter, Registry } from 'prom-client';
import type { CounterHandle, MetricsService } from '@aof/api';

/**
 * The metrics service a plugin gets: a registry of its own per host (counts start at zero in
 * every test), and counters created on first use and shared by name, as the daemon's are.
 * Read what a plugin counted with `registry.getSingleMetric(name)` or `registry.metrics()`.
 */
export function createHostMetrics(): MetricsService {
  const registry = new Registry();
  return {
    registry,
    counter<L extends string>(definition: { name: string; help: string; labelNames: readonly L[] }): CounterHandle<L> {
      const found = registry.getSingleMetric(definition.name);
      if (found === undefined) return new Counter({ ...definition, labelNames: [...definition.labelNames], registers: [registry] });
      if (!(found instanceof Counter)) throw new Error(`metric ${definition.name} is registered and is not a counter`);
      return found as Counter<L>;
    },
  };
}
