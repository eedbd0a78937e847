import { fastify, type FastifyPluginAsync } from 'fastify';
import type { Logger } from '@aof/api';
import { installErrorReplies } from '../http/error-replies.js';
import { serverOptions, type ServerLimits } from '../http/server-options.js';

export interface AdminListener {
  port: number;
  close(): Promise<void>;
}

/** The admin API on a port of its own (`admin.port`), so it can be firewalled apart from webhooks. */
export async function listenAdmin(
  routes: FastifyPluginAsync,
  prefix: string,
  listen: { port: number; host: string } & ServerLimits,
  logger: Logger,
): Promise<AdminListener> {
  const { port, host } = listen;
  const app = fastify(serverOptions(listen));
  installErrorReplies(app, logger);
  await app.register(routes, { prefix });
  await app.listen({ port, host });
  const address = app.server.address();
  return { port: typeof address === 'object' && address !== null ? address.port : port, close: () => app.close() };
}
