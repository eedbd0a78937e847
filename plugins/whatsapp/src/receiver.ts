import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger, WebhookRejectionReason, WebhookRejections } from '@aof/api';
import { normalizeCloudWebhook, PLATFORM } from './events.js';
import { record } from './fields.js';
import type { WhatsAppInboundPipeline } from './inbound.js';
import { verifyHubSignature, verifyTokenMatches } from './verify.js';

export interface WhatsAppRoutesOptions {
  path: string;
  appSecret: string;
  verifyToken: string;
  maxAgeMs: number;
  pipeline: WhatsAppInboundPipeline;
  rejections: WebhookRejections;
  logger: Logger;
}

/** Meta's challenge is a number; anything else is not echoed into a response. */
const CHALLENGE = /^[\w.-]{1,256}$/;

/**
 * The Cloud API webhook: GET is the subscription handshake, POST the deliveries. A POST's
 * signature is checked on the raw bytes before anything reads them; then the request is answered
 * at once and handled in the background.
 */
export function whatsappRoutes(options: WhatsAppRoutesOptions): FastifyPluginAsync {
  return async (app) => {
    // This scope (and only it: Fastify encapsulates plugins) keeps every body as raw bytes.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });

    app.get(options.path, async (request, reply) => {
      const query = record(request.query) ?? {};
      const token = typeof query['hub.verify_token'] === 'string' ? query['hub.verify_token'] : undefined;
      const challenge = typeof query['hub.challenge'] === 'string' ? query['hub.challenge'] : '';
      if (query['hub.mode'] !== 'subscribe' || !verifyTokenMatches(token, options.verifyToken)) {
        options.rejections.record(PLATFORM, token === undefined ? 'missing' : 'mismatch');
        options.logger.warn({ platform: PLATFORM, ip: request.ip }, 'WhatsApp verification handshake refused');
        return reply.code(403).send({ error: 'verification_failed' });
      }
      if (!CHALLENGE.test(challenge)) return reply.code(400).send({ error: 'bad_challenge' });
      options.logger.info({ platform: PLATFORM }, 'WhatsApp webhook subscription verified');
      return reply.code(200).type('text/plain; charset=utf-8').send(challenge);
    });

    app.post(options.path, async (request, reply) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const verdict = verifyHubSignature({ signature: header(request, 'x-hub-signature-256'), rawBody, appSecret: options.appSecret });
      if (!verdict.ok) return reject(request, reply, verdict.reason, options);
      const body = parseJson(rawBody);
      if (body === undefined) return reply.code(400).send({ error: 'bad_request', message: 'not a WhatsApp webhook' });
      const receivedAt = Date.now();
      options.pipeline.dispatch(() => normalizeCloudWebhook(body, { receivedAt, maxAgeMs: options.maxAgeMs }));
      return reply.code(200).send();
    });
  };
}

function reject(request: FastifyRequest, reply: FastifyReply, reason: WebhookRejectionReason, options: WhatsAppRoutesOptions): FastifyReply {
  options.rejections.record(PLATFORM, reason);
  // Neither the body nor the signature header is logged: they are attacker-controlled or secret-derived.
  options.logger.warn({ platform: PLATFORM, reason, ip: request.ip }, 'WhatsApp webhook rejected: invalid signature');
  return reply.code(401).send({ error: 'invalid_signature' });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(rawBody: Buffer): Readonly<Record<string, unknown>> | undefined {
  try {
    return record(JSON.parse(rawBody.toString('utf8')));
  } catch {
    return undefined;
  }
}
