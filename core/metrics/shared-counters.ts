import { Counter, type Registry } from 'prom-client';
import type { CounterDefinition, CounterHandle } from '@aof/api';

/** Create-or-get by name, so every plugin that asks for a series counts into the same one. */
export function sharedCounter<L extends string>(registry: Registry, definition: CounterDefinition<L>): CounterHandle<L> {
  const existing = registry.getSingleMetric(definition.name);
  if (existing instanceof Counter) return existing as Counter<L>;
  if (existing !== undefined) throw new Error(`metric ${definition.name} exists and is not a counter`);
  return new Counter({ name: definition.name, help: definition.help, labelNames: [...definition.labelNames], registers: [registry] });
}
