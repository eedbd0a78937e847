import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger, WebhookRejections } from '@aof/api';
import { PLATFORM } from './chat.js';
import { record, type Fields } from './fields.js';
import type { TelegramInboundPipeline } from './inbound.js';
import { SECRET_TOKEN_HEADER, secretTokenVerifier } from './verify.js';

export interface TelegramRoutesOptions {
  path: string;
  webhookSecret: string;
  pipeline: TelegramInboundPipeline;
  rejections: WebhookRejections;
  logger: Logger;
}

/**
 * The endpoint Telegram posts updates to. The secret token header is checked when the request
 * arrives, before its body is even read; an accepted update is answered at once and handled in
 * the background (Telegram waits for the answer before it sends the chat's next update).
 */
export function telegramRoutes(options: TelegramRoutesOptions): FastifyPluginAsync {
  const verify = secretTokenVerifier(options.webhookSecret);
  return async (app) => {
    // This scope (and only it: Fastify encapsulates plugins) parses nothing before the handler does.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });

    app.post(options.path, {
      onRequest: async (request, reply) => {
        const verdict = verify(header(request, SECRET_TOKEN_HEADER));
        // Fastify's way to answer from an async hook: send, then return the reply; the handler never runs.
        if (!verdict.ok) return reject(request, reply, verdict.reason, options);
        return undefined;
      },
    }, async (request, reply) => {
      const update = parseUpdate(request.body);
      if (update === undefined) return reply.code(400).send({ error: 'bad_request', message: 'not a Telegram update' });
      void options.pipeline.handle(update);
      return reply.code(200).send();
    });
  };
}

function reject(request: FastifyRequest, reply: FastifyReply, reason: 'missing' | 'mismatch', options: TelegramRoutesOptions): FastifyReply {
  options.rejections.record(PLATFORM, reason);
  // Neither the body nor the header is logged: one is attacker-controlled, the other a guess at the secret.
  options.logger.warn({ platform: PLATFORM, reason, ip: request.ip }, 'Telegram webhook rejected: invalid secret token');
  return reply.code(401).send({ error: 'invalid_secret_token' });
}

function parseUpdate(body: unknown): Fields | undefined {
  if (!Buffer.isBuffer(body)) return undefined;
  try {
    return record(JSON.parse(body.toString('utf8')));
  } catch {
    return undefined;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
