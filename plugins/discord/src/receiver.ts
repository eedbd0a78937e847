import type { KeyObject } from 'node:crypto';
import { InteractionType } from 'discord.js';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger, WebhookRejectionReason, WebhookRejections } from '@aof/api';
import { servesGuild, type DiscordSettings } from './config.js';
import { PLATFORM } from './events.js';
import { parseJsonObject, snowflake } from './fields.js';
import type { DiscordInboundPipeline } from './inbound.js';
import { interactionAck, notServedResponse } from './interactions.js';
import { verifyDiscordSignature } from './verify.js';

export interface DiscordRoutesOptions {
  settings: DiscordSettings;
  publicKey: KeyObject;
  pipeline: DiscordInboundPipeline;
  rejections: WebhookRejections;
  logger: Logger;
}

/**
 * The Interactions Endpoint URL. The Ed25519 signature is checked on the raw bytes before
 * anything reads them (Discord itself sends unsigned and badly signed probes when the URL is
 * saved, and expects 401); then the interaction is answered at once and handled in the background.
 */
export function discordRoutes(options: DiscordRoutesOptions): FastifyPluginAsync {
  return async (app) => {
    // This scope (and only it: Fastify encapsulates plugins) keeps every body as raw bytes.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });

    app.post(options.settings.path, async (request, reply) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const verdict = verifyDiscordSignature({
        timestamp: header(request, 'x-signature-timestamp'),
        signature: header(request, 'x-signature-ed25519'),
        rawBody,
        publicKey: options.publicKey,
      });
      if (!verdict.ok) return reject(request, reply, verdict.reason, options);
      const body = parseJsonObject(rawBody.toString('utf8'));
      if (body === undefined) return reply.code(400).send({ error: 'bad_request', message: 'not a Discord interaction' });
      const served = servesGuild(options.settings, snowflake(body.guild_id));
      const answer = served ? interactionAck(body) : notServedResponse(body);
      if (answer === undefined) return reply.code(400).send({ error: 'bad_request', message: 'unsupported interaction type' });
      if (served && body.type !== InteractionType.Ping) options.pipeline.dispatchInteraction(body);
      return reply.code(200).send(answer);
    });
  };
}

function reject(request: FastifyRequest, reply: FastifyReply, reason: WebhookRejectionReason, options: DiscordRoutesOptions): FastifyReply {
  options.rejections.record(PLATFORM, reason);
  // Neither the body nor the signature headers are logged: they are attacker-controlled.
  options.logger.warn({ platform: PLATFORM, reason, ip: request.ip }, 'Discord interaction rejected: invalid signature');
  return reply.code(401).send({ error: 'invalid_signature' });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
