import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger, WebhookRejectionReason, WebhookRejections } from '@aof/api';
import { PLATFORM } from './events.js';
import type { SlackFlowCredentials } from './flow-credentials.js';
import { teamOf } from './fields.js';
import type { SlackInboundPipeline } from './inbound.js';
import { parseSlackRequest } from './request-body.js';
import { verifySlackSignature } from './verify.js';

export interface SlackRoutesOptions {
  path: string;
  /** The secrets to verify with, and where what each signs may go; read per request (flows reload). */
  credentials: SlackFlowCredentials;
  pipeline: SlackInboundPipeline;
  rejections: WebhookRejections;
  logger: Logger;
}

/**
 * The one HTTP endpoint Slack calls for events, interactivity and slash commands. The signature
 * is checked on the raw bytes before anything reads them; then the request is answered at once
 * and handled in the background.
 */
export function slackRoutes(options: SlackRoutesOptions): FastifyPluginAsync {
  return async (app) => {
    // This scope (and only it: Fastify encapsulates plugins) keeps every body as raw bytes.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });

    app.post(options.path, async (request, reply) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const table = options.credentials.current();
      const verdict = verifySlackSignature({
        timestamp: header(request, 'x-slack-request-timestamp'),
        signature: header(request, 'x-slack-signature'),
        rawBody,
        secrets: table.secrets,
      });
      if (!verdict.ok) return reject(request, reply, verdict.reason, options);
      const parsed = parseSlackRequest(header(request, 'content-type'), rawBody);
      if (parsed === undefined) return reply.code(400).send({ error: 'bad_request', message: 'not a Slack event, interaction or slash command' });
      if (parsed.type === 'url_verification') return reply.send({ challenge: parsed.challenge });
      // A workspace's own secret vouches for that workspace only: org B must not sign events as org A.
      if (verdict.team !== undefined && teamOf(parsed.body) !== verdict.team) return reject(request, reply, 'mismatch', options);
      // A flow's own secret vouches for the workspaces its flows' bot tokens belong to, and reaches those flows only.
      const own = verdict.signer.flows;
      if (own !== undefined && !await options.credentials.vouchesFor(verdict.signer, teamOf(parsed.body))) return reject(request, reply, 'mismatch', options);
      const flows = own ?? table.appFlows;
      const retry = Number(header(request, 'x-slack-retry-num'));
      options.pipeline.dispatch(parsed, { ...(Number.isInteger(retry) && retry > 0 && { retryNum: retry }), ...(flows !== undefined && { flows }) });
      return reply.code(200).send();
    });
  };
}

function reject(request: FastifyRequest, reply: FastifyReply, reason: WebhookRejectionReason, options: SlackRoutesOptions): FastifyReply {
  options.rejections.record(PLATFORM, reason);
  // Neither the body nor the signature headers are logged: they are attacker-controlled or secret-derived.
  options.logger.warn({ platform: PLATFORM, reason, ip: request.ip }, 'Slack webhook rejected: invalid signature');
  return reply.code(401).send({ error: 'invalid_signature' });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
