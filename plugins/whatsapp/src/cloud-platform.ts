import { webhookRejections, type PlatformInstance } from '@aof/api';
import { APPROVAL_REACTIONS } from './approval.js';
import { CloudOutbound } from './cloud-outbound.js';
import type { WhatsAppSettings } from './config.js';
import { PLATFORM } from './events.js';
import { GraphClient } from './graph-client.js';
import { WhatsAppInboundPipeline } from './inbound.js';
import type { WhatsAppPlatformDeps, WhatsAppPlatformOptions } from './platform-deps.js';
import { whatsappRoutes } from './receiver.js';

/**
 * The WhatsApp Business Cloud API: signed webhooks in, Graph API messages out. The webhook route
 * is added now (routes can only be added while plugins initialize).
 */
export function createCloudPlatform(settings: WhatsAppSettings, deps: WhatsAppPlatformDeps, options: WhatsAppPlatformOptions): PlatformInstance {
  const pipeline = new WhatsAppInboundPipeline({ settings, store: deps.store, sink: deps.inbound, logger: deps.logger });
  const graph = new GraphClient({ baseUrl: settings.graphBaseUrl, accessToken: settings.accessToken, logger: deps.logger, ...(options.retry !== undefined && { retry: options.retry }) });
  const outbound = new CloudOutbound({ graph, phoneNumberId: settings.phoneNumberId, logger: deps.logger });

  deps.http.register(whatsappRoutes({
    path: settings.path,
    appSecret: settings.appSecret,
    verifyToken: settings.verifyToken,
    maxAgeMs: settings.maxAgeMs,
    pipeline,
    rejections: webhookRejections(deps.metrics),
    logger: deps.logger,
  }));

  return {
    platform: PLATFORM,
    // Reply buttons are one tap and cannot be mistaken; a reaction on the bot's own message is the fallback.
    approvalModes: ['button', 'reaction'],
    approvalReactions: APPROVAL_REACTIONS,
    send: (reply) => outbound.send(reply),
    postApprovalRequest: (request) => outbound.postApprovalRequest(request),
    async stop() {
      // Messages already acked are handed over before the kernel goes away.
      await pipeline.idle();
    },
  };
}
