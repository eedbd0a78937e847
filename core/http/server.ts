import { fastify, type FastifyInstance } from 'fastify';
import type { HttpService, Logger, MetricsService } from '@aof/api';
import { installErrorReplies } from './error-replies.js';
import { addHealthRoutes, type Readiness } from './health-routes.js';
import { serverOptions } from './server-options.js';

export type { ErrorBody } from './error-replies.js';
export type { Readiness } from './health-routes.js';

export interface HttpServerOptions {
  logger: Logger;
  bodyLimitBytes: number;
  /** How long a client may take to send a whole request (`server.timeout_secs`); 30 s by default. */
  requestTimeoutMs?: number;
  metrics: MetricsService;
  readiness: () => Readiness;
}

export interface HttpServer {
  app: FastifyInstance;
  /** Handed to plugins as core.http. */
  service: HttpService;
  /** Applies every route plugins registered, then listens; port 0 picks a free port. */
  listen(port: number, host: string): Promise<{ port: number }>;
  close(): Promise<void>;
}

/**
 * The daemon's one HTTP server: health, readiness, metrics, and the webhook routes platform
 * plugins add while they initialize. Fastify's own logger stays off: the daemon writes one line
 * per message itself, and 5xx errors are logged by the error handler.
 */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const app = fastify(serverOptions(options));
  installErrorReplies(app, options.logger);
  addHealthRoutes(app, options);

  const service: HttpService = {
    register(plugin, registerOptions = {}) {
      // Fastify queues registrations until it boots (ready, inject or listen); after that it refuses them.
      try {
        void app.register(plugin, { prefix: registerOptions.prefix });
      } catch (cause) {
        throw new Error('HTTP routes can only be registered while plugins initialize, before the server starts', { cause });
      }
    },
  };

  return {
    app,
    service,
    async listen(port, host) {
      await app.listen({ port, host });
      const address = app.server.address();
      return { port: typeof address === 'object' && address !== null ? address.port : port };
    },
    close: () => app.close(),
  };
}
