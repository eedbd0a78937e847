import { webhookRejections, type HttpService, type InboundSink, type Logger, type MetricsService, type PlatformInstance, type StateStore } from '@aof/api';
import { closeApprovalMessage } from './approval-close.js';
import { PLATFORM } from './chat.js';
import { TelegramApi } from './client.js';
import { ALLOWED_UPDATES, telegramSettings, type TelegramConfig } from './config.js';
import { TelegramIdentity } from './identity.js';
import { TelegramInboundPipeline } from './inbound.js';
import { APPROVAL_REACTIONS, TelegramOutbound } from './outbound.js';
import { TelegramPolling } from './polling.js';
import { telegramRoutes } from './receiver.js';
import { ForumTopics } from './topics.js';

export interface TelegramPlatformDeps {
  logger: Logger;
  store: StateStore;
  http: HttpService;
  metrics: MetricsService;
  inbound: InboundSink;
}

/**
 * Wires the Telegram platform: in webhook mode it adds its route to the kernel's server now
 * (routes can only be added while plugins initialize); in polling mode it polls from start to stop.
 */
export function createTelegramPlatform(config: TelegramConfig, deps: TelegramPlatformDeps): PlatformInstance {
  const settings = telegramSettings(config);
  const api = new TelegramApi({ settings, logger: deps.logger });
  const identity = new TelegramIdentity({ settings, api, logger: deps.logger });
  const topics = new ForumTopics();
  const pipeline = new TelegramInboundPipeline({ settings, identity, api, topics, store: deps.store, sink: deps.inbound, logger: deps.logger });
  const outbound = new TelegramOutbound({ api, topics, logger: deps.logger });
  const polling = settings.mode === 'polling' ? new TelegramPolling({ api, pipeline, logger: deps.logger }) : undefined;

  if (settings.mode === 'webhook' && settings.webhookSecret !== undefined) {
    deps.http.register(telegramRoutes({
      path: settings.path,
      webhookSecret: settings.webhookSecret,
      pipeline,
      rejections: webhookRejections(deps.metrics),
      logger: deps.logger,
    }));
  }

  let stopped = false;
  return {
    platform: PLATFORM,
    approvalModes: ['button'],
    approvalReactions: APPROVAL_REACTIONS,
    send: (reply) => outbound.send(reply),
    postApprovalRequest: (request) => outbound.postApprovalRequest(request),
    closeApprovalRequest: (request) => closeApprovalMessage(api, deps.logger, request),
    async start() {
      if (polling !== undefined) {
        await polling.start();
        return;
      }
      const url = settings.webhookUrl;
      if (url !== undefined) {
        // message_reaction is delivered only when listed, so the webhook is registered with the full list.
        await api.deliver('setWebhook', (telegram) => telegram.setWebhook(url, { secret_token: settings.webhookSecret, allowed_updates: [...ALLOWED_UPDATES] }));
        deps.logger.info({ platform: PLATFORM, path: settings.path }, 'Telegram webhook registered');
      }
      // The username strips mentions from the first update on; a failure here is retried on demand.
      void identity.get();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await polling?.stop();
      // Updates already acked are handed over before the kernel goes away.
      await pipeline.idle();
    },
  };
}
