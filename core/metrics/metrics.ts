import { collectDefaultMetrics, Registry } from 'prom-client';
import { webhookRejections, type MetricsService } from '@aof/api';
import { pluginsLoadedGauge, routeCounter, type RouteResult } from './kernel-series.js';
import { opsSeries, type OpsSeries } from './ops-series.js';
import { requestSeries, type RequestSample } from './request-series.js';
import { sharedCounter } from './shared-counters.js';

export type { RouteResult } from './kernel-series.js';
export type { ReloadResult } from './ops-series.js';
export type { RequestSample } from './request-series.js';

export interface KernelMetrics extends MetricsService, OpsSeries {
  /** Counts one routing decision; `flow` is '' when a dropped message matched no flow. */
  recordRoute(flow: string, result: RouteResult): void;
  /** Counts one handled message: requests, latency, errors and tokens. */
  recordRequest(sample: RequestSample): void;
  /** Counts model tokens a run used after its message was handled (a run resumed on approval). */
  recordTokens(flow: string, organization: string, used: number): void;
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
  const requests = requestSeries(registry);
  const metrics: KernelMetrics = {
    registry,
    counter: (definition) => sharedCounter(registry, definition),
    ...opsSeries(registry),
    recordRoute: (flow, result) => routes.inc({ flow, result }),
    recordRequest: (sample) => requests.record(sample),
    recordTokens: (flow, organization, used) => requests.tokens(flow, organization, used),
  };
  // Declared once here, so the series is on /metrics before any platform rejects a webhook;
  // platforms get the same counter through `counter` (create-or-get by name).
  webhookRejections(metrics);
  return metrics;
}
