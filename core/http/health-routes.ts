import type { FastifyInstance } from 'fastify';
import type { MetricsService } from '@aof/api';

export interface Readiness {
  ready: boolean;
  /** Why the daemon is not ready (starting, draining, a plugin failed, ...); empty when ready. */
  reasons: string[];
}

export interface HealthRoutesOptions {
  metrics: MetricsService;
  readiness: () => Readiness;
}

/** Liveness (the process answers), readiness (it should get traffic) and the Prometheus scrape. */
export function addHealthRoutes(app: FastifyInstance, options: HealthRoutesOptions): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const { ready, reasons } = options.readiness();
    return ready ? { status: 'ready' } : reply.code(503).send({ status: 'not_ready', reasons });
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await options.metrics.registry.metrics();
    return reply.type(options.metrics.registry.contentType).send(text);
  });
}
