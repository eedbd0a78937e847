import type { FastifyInstance } from 'fastify';
import type { ErrorBody } from '../http/server.js';

/**
 * While the daemon drains, new webhook and message POSTs get a 503 (platforms retry, load
 * balancers move on) instead of being accepted and then cut off; GETs still answer, so health
 * checks, metrics and reply polling keep working until the listener closes.
 */
export function refuseNewMessagesWhileDraining(app: FastifyInstance, draining: () => boolean): void {
  // Callback style: it runs on every request, and an async hook would cost a promise each time.
  app.addHook('onRequest', (request, reply, done) => {
    if (!draining() || request.method !== 'POST') {
      done();
      return;
    }
    const body: ErrorBody = { error: 'unavailable', message: 'AOF is shutting down and takes no new messages; retry shortly' };
    void reply.code(503).header('retry-after', '5').header('connection', 'close').send(body);
  });
}
