import { collectDefaultMetrics, Registry } from 'prom-client';
import type { MetricsService } from '@aof/api';
import { pluginsLoadedGauge, routeCounter, type RouteResult } from './kernel-series.js';

export type { RouteResult } from './kernel-series.js';

export interface KernelMetrics extends MetricsService {
  /** Counts one routing decision; `flow` is '' when a dropped message matched no flow. */
  recordRoute(flow: string, result: RouteResult): void;
}

/**
 * A registry of its own rather than prom-client's global one, so every daemon (and every test)
 * starts from zero and nothing a dependency registers globally leaks into /metrics.
 */
export function createMetrics(): KernelMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  pluginsLoadedGauge(registry);
  const routes = routeCounter(registry);
  return {
    registry,
    recordRoute: (flow, result) => routes.inc({ flow, result }),
  };
}
