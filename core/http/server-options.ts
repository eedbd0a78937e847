import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { errorName, type ErrorBody } from './error-replies.js';
import { requestTimeouts } from './request-timeouts.js';

export interface ServerLimits {
  /** `server.body_limit_bytes`. */
  bodyLimitBytes: number;
  /** `server.timeout_secs` in ms; 30 s when unset. */
  requestTimeoutMs?: number | undefined;
}

/**
 * The options of every server the daemon listens with (its own, and the admin API's on its own
 * port), so the two enforce the same limits and answer the same error shape. Fastify answers a
 * few errors before any route or error handler runs (a malformed URL, an overlong path
 * parameter, a malformed request, headers too large, a client too slow) in a shape of its own
 * that quotes the path; these answer with `{ error, message }` and quote nothing.
 */
export function serverOptions(limits: ServerLimits): FastifyServerOptions {
  return {
    logger: false,
    bodyLimit: limits.bodyLimitBytes,
    ...requestTimeouts(limits.requestTimeoutMs),
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  };
}

const FRAMEWORK_MESSAGES: Readonly<Record<string, string>> = {
  FST_ERR_BAD_URL: 'the request URL is not valid (malformed percent-encoding)',
  FST_ERR_MAX_PARAM_LENGTH: 'a segment of the request path is too long',
};

function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  const message = status === 500 ? 'internal server error' : FRAMEWORK_MESSAGES[error.code] ?? 'the request cannot be served';
  const body: ErrorBody = { error: status === 500 ? 'internal_error' : errorName(status), message };
  void reply.code(status).send(body);
}

/** What Node reports before a request exists (Fastify's default, in this server's error shape). */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, body] = clientErrorReply(error.code);
  if (socket.writable) {
    const text = JSON.stringify(body);
    socket.write(`HTTP/1.1 ${status} ${STATUS_LINES[status]}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${text}`);
  }
  socket.destroy(error);
}

const STATUS_LINES: Readonly<Record<number, string>> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

function clientErrorReply(code: string | undefined): [number, ErrorBody] {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, { error: errorName(408), message: 'the request did not arrive within the server timeout' }];
  if (code === 'HPE_HEADER_OVERFLOW') return [431, { error: errorName(431), message: 'the request headers are too large' }];
  return [400, { error: errorName(400), message: 'malformed HTTP request' }];
}
