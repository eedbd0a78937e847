import { webhookRejections, type HttpService, type InboundSink, type Logger, type MetricsService, type PlatformInstance, type StateStore } from '@aof/api';
import { closeApprovalMessage } from './approval-close.js';
import { discordSettings, type DiscordConfig } from './config.js';
import { DiscordDirectory } from './directory.js';
import { PLATFORM } from './events.js';
import { DiscordGateway } from './gateway.js';
import { DiscordInboundPipeline } from './inbound.js';
import { InteractionReplies } from './interaction-replies.js';
import { APPROVAL_REACTIONS, DiscordOutbound } from './outbound.js';
import { discordRoutes } from './receiver.js';
import { DiscordRest } from './rest.js';
import { discordPublicKey } from './verify.js';

export interface DiscordPlatformDeps {
  logger: Logger;
  store: StateStore;
  http: HttpService;
  metrics: MetricsService;
  inbound: InboundSink;
}

/**
 * Wires the Discord platform: the interactions endpoint is added to the kernel's server now
 * (routes can only be added while plugins initialize) when a public key is configured; the
 * gateway connects on start when a bot token is.
 */
export function createDiscordPlatform(config: DiscordConfig, deps: DiscordPlatformDeps): PlatformInstance {
  const settings = discordSettings(config);
  if (settings.gateway && settings.botToken === undefined) throw new Error('the Discord gateway needs bot_token');
  const rest = new DiscordRest({ apiUrl: settings.apiUrl, botToken: settings.botToken, logger: deps.logger });
  const replies = new InteractionReplies({ store: deps.store });
  let gateway: DiscordGateway | undefined;
  const directory = new DiscordDirectory({
    rest,
    canLookUp: settings.botToken !== undefined,
    gatewayChannel: (id) => gateway?.cachedChannel(id),
    logger: deps.logger,
  });
  const pipeline = new DiscordInboundPipeline({
    settings,
    directory,
    replies,
    rest,
    identity: { botUserId: () => gateway?.botUserId(), applicationId: () => gateway?.applicationId() },
    store: deps.store,
    sink: deps.inbound,
    logger: deps.logger,
  });
  const outbound = new DiscordOutbound({ rest, replies, logger: deps.logger });

  if (settings.publicKey !== undefined) {
    deps.http.register(discordRoutes({
      settings,
      publicKey: discordPublicKey(settings.publicKey),
      pipeline,
      rejections: webhookRejections(deps.metrics),
      logger: deps.logger,
    }));
  }

  return {
    platform: PLATFORM,
    approvalModes: ['reaction', 'button'],
    approvalReactions: APPROVAL_REACTIONS,
    send: (reply) => outbound.send(reply),
    postApprovalRequest: (request) => outbound.postApprovalRequest(request),
    closeApprovalRequest: (request) => closeApprovalMessage(rest, request),
    async start() {
      if (!settings.gateway || settings.botToken === undefined || gateway !== undefined) return;
      gateway = new DiscordGateway({ apiUrl: settings.apiUrl, botToken: settings.botToken, onDispatch: (packet) => pipeline.dispatchGateway(packet), logger: deps.logger });
      await gateway.start();
    },
    async stop() {
      await gateway?.stop();
      // Events already acked are handed over before the kernel goes away.
      await pipeline.idle();
      rest.stop();
    },
  };
}
