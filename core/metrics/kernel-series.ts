import { Counter, Gauge, type Registry } from 'prom-client';

/** How a message left the router: to a flow, to the default agent, or nowhere. */
export type RouteResult = 'routed' | 'fallback' | 'dropped';

/**
 * Series are fetched from the registry if present and created otherwise, so the kernel can use
 * them on whatever registry the daemon hands it without both sides registering the same name.
 */
export function pluginsLoadedGauge(registry: Registry): Gauge<'kind'> {
  const existing = registry.getSingleMetric('aof_plugins_loaded');
  if (existing instanceof Gauge) return existing as Gauge<'kind'>;
  return new Gauge({
    name: 'aof_plugins_loaded',
    help: 'Plugins initialized, by kind.',
    labelNames: ['kind'],
    registers: [registry],
  });
}

export function routeCounter(registry: Registry): Counter<'flow' | 'result'> {
  const existing = registry.getSingleMetric('agentflow_route_total');
  if (existing instanceof Counter) return existing as Counter<'flow' | 'result'>;
  return new Counter({
    name: 'agentflow_route_total',
    help: 'Routing decisions, by flow and result (routed, fallback, dropped).',
    labelNames: ['flow', 'result'],
    registers: [registry],
  });
}
