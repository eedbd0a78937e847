import { webhookRejections, type FlowsService, type HttpService, type InboundSink, type Logger, type MetricsService, type PlatformInstance, type StateStore } from '@aof/api';
import { SlackClients } from './client.js';
import { slackSettings, type SlackConfig } from './config.js';
import { PLATFORM } from './events.js';
import { SlackFlowCredentials } from './flow-credentials.js';
import { SlackInboundPipeline } from './inbound.js';
import { SlackLookups } from './lookups.js';
import { APPROVAL_REACTIONS, SlackOutbound } from './outbound.js';
import { slackRoutes } from './receiver.js';
import { boltSocketClient, SlackSocketMode, type SocketClientFactory } from './socket.js';

export interface SlackPlatformDeps {
  logger: Logger;
  store: StateStore;
  http: HttpService;
  metrics: MetricsService;
  inbound: InboundSink;
  /** The live flow table, for flows that carry their own Slack credentials (seed Pattern 5); without it there are none. */
  flows?: FlowsService;
}

export interface SlackPlatformOptions {
  /** Where the Socket Mode client comes from; tests hand in one that needs no Slack. */
  socketClient?: SocketClientFactory;
}

/**
 * Wires the Slack platform: in HTTP mode it adds its webhook route to the kernel's server now
 * (routes can only be added while plugins initialize); in Socket Mode it connects on start.
 */
export function createSlackPlatform(config: SlackConfig, deps: SlackPlatformDeps, options: SlackPlatformOptions = {}): PlatformInstance {
  const appSettings = slackSettings(config);
  const clients = new SlackClients({ apiUrl: appSettings.apiUrl, logger: deps.logger });
  const credentials = new SlackFlowCredentials({ flows: deps.flows, appSecrets: appSettings.signingSecrets, clients, logger: deps.logger });
  const settings = slackSettings(config, credentials);
  const lookups = new SlackLookups({ clients, settings, logger: deps.logger });
  const pipeline = new SlackInboundPipeline({ settings, lookups, store: deps.store, sink: deps.inbound, logger: deps.logger });
  const outbound = new SlackOutbound({ clients, settings, logger: deps.logger });
  let socket: SlackSocketMode | undefined;

  if (settings.mode === 'http') {
    deps.http.register(slackRoutes({
      path: settings.path,
      credentials,
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
    closeApprovalRequest: (request) => outbound.closeApprovalRequest(request),
    async start() {
      // Learns the workspaces of the flows' own tokens before the first request needs them.
      const table = credentials.current();
      if (settings.mode !== 'socket') {
        if (table.secrets.length === 0) {
          throw new Error('Slack is enabled but has no credentials: set platforms.slack bot_token and signing_secret (or their _env names), '
            + 'workspaces, or give Slack flows their own trigger.config bot_token and signing_secret');
        }
        return;
      }
      // The config schema already requires it; this guards callers that run init without the kernel.
      if (settings.appToken === undefined) throw new Error('Slack Socket Mode needs app_token');
      const factory = options.socketClient ?? boltSocketClient;
      const client = factory({ appToken: settings.appToken, apiUrl: settings.apiUrl, logger: deps.logger });
      socket = new SlackSocketMode({ client, pipeline, logger: deps.logger, scope: () => credentials.current().appFlows });
      await socket.start();
    },
    async stop() {
      await socket?.stop();
      // Events already acked are handed over before the kernel goes away.
      await pipeline.idle();
      clients.close();
    },
  };
}
