import { coreServices, definePlugin, type OutboundReply, type SentMessage } from '@aof/api';
import { ReplyBook } from './replies.js';
import { localRoutes } from './routes.js';

export interface LocalPlatformConfig {
  /** Bearer token clients must send; without one only loopback clients are answered. */
  token?: string;
  /** How long `?wait=true` holds the request before answering 202 pending. */
  wait_timeout_secs: number;
  /** How long replies stay readable at GET /platforms/local/messages/:id. */
  reply_ttl_secs: number;
  max_text_length: number;
}

/**
 * The built-in `local` platform: JSON over HTTP, so a new user (and the tests) can talk to
 * the daemon before wiring any chat service. Flows target it with `trigger.type: Local`.
 */
const localDeps = { http: coreServices.http, inbound: coreServices.inbound, store: coreServices.store, logger: coreServices.logger };

export const localPlatformPlugin = definePlugin<'platform', LocalPlatformConfig, typeof localDeps>({
  name: 'local',
  kind: 'platform',
  configSchema: {
    type: 'object',
    properties: {
      token: { type: 'string' },
      wait_timeout_secs: { type: 'number', exclusiveMinimum: 0, default: 330 },
      reply_ttl_secs: { type: 'number', exclusiveMinimum: 0, default: 3600 },
      max_text_length: { type: 'integer', minimum: 1, default: 40_000 },
    },
  },
  deps: localDeps,
  init: ({ config: settings, deps }) => {
    const replies = new ReplyBook(deps.store, settings.reply_ttl_secs * 1000);
    const token = settings.token === '' ? undefined : settings.token;
    deps.http.register(localRoutes({
      token,
      inbound: deps.inbound,
      replies,
      waitTimeoutMs: settings.wait_timeout_secs * 1000,
      maxTextLength: settings.max_text_length,
    }), { prefix: '/platforms/local' });
    if (token === undefined) deps.logger.info('local platform has no token: answering loopback clients only');
    return {
      platform: 'local',
      // The reply is the HTTP answer (or the record a client polls for): each message needs its own.
      answersEachMessage: true,
      async send(reply: OutboundReply): Promise<SentMessage> {
        await replies.record(reply);
        return { messageId: reply.replyTo ?? '', channelId: reply.channelId };
      },
    };
  },
});

export default localPlatformPlugin;
