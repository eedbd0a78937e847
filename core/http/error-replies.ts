import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from '@aof/api';
import { isKubectl, KUBECTL_FALLBACK_MESSAGE } from './kubectl-fallback.js';

/** Every error the server sends has this shape, so clients and platforms parse one thing. */
export interface ErrorBody {
  error: string;
  message: string;
}

/** Stable names clients can match on; other statuses fall back to Node's reason phrase. */
const ERROR_NAMES: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

/**
 * JSON error replies for the whole server, plugin routes included unless they set their own.
 * A 4xx message describes the request's problem and is safe to return; a 5xx is logged with its
 * stack and answered with a generic body, so internals never reach the caller.
 */
export function installErrorReplies(app: FastifyInstance, logger: Logger): void {
  app.setNotFoundHandler((request, reply) => {
    if (isKubectl(request)) return reply.code(403).type('text/plain; charset=utf-8').send(KUBECTL_FALLBACK_MESSAGE);
    const body: ErrorBody = { error: 'not_found', message: `route ${request.method} ${request.url.split('?')[0] ?? ''} not found` };
    return reply.code(404).send(body);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      logger.error({ err: error, method: request.method, url: request.routeOptions.url ?? request.url }, 'request failed');
      const body: ErrorBody = { error: 'internal_error', message: 'internal server error' };
      return reply.code(status).send(body);
    }
    const body: ErrorBody = { error: errorName(status), message: error.message };
    return reply.code(status).send(body);
  });
}

export function errorName(status: number): string {
  return ERROR_NAMES[status] ?? (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z0-9]+/g, '_');
}
