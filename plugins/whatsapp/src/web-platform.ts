import type { PlatformInstance } from '@aof/api';
import { APPROVAL_REACTIONS } from './approval.js';
import type { WhatsAppSettings } from './config.js';
import { PLATFORM } from './events.js';
import { WhatsAppInboundPipeline } from './inbound.js';
import type { WhatsAppPlatformDeps, WhatsAppPlatformOptions } from './platform-deps.js';
import type { WebMessage } from './web-client.js';
import { normalizeWebMessage, normalizeWebReaction, type WebNormalizeContext } from './web-events.js';
import { loadWhatsAppWeb, terminalQrPrinter } from './web-loader.js';
import { webGroupNames } from './web-names.js';
import { WebOutbound } from './web-outbound.js';
import { WhatsAppWebSession } from './web-session.js';

/**
 * WhatsApp through a linked personal or business account (whatsapp-web.js driving Chromium).
 * Nothing is loaded or launched until start; no HTTP route is added.
 */
export function createWebPlatform(settings: WhatsAppSettings, deps: WhatsAppPlatformDeps, options: WhatsAppPlatformOptions): PlatformInstance {
  let session: WhatsAppWebSession | undefined;
  let outbound: WebOutbound | undefined;
  const pipeline = new WhatsAppInboundPipeline({
    settings,
    store: deps.store,
    sink: deps.inbound,
    logger: deps.logger,
    chatName: webGroupNames(() => session, deps.logger),
  });
  const context = (self: string | undefined): WebNormalizeContext => ({ self, receivedAt: Date.now(), maxAgeMs: settings.maxAgeMs });
  const started = (): WebOutbound => {
    if (outbound === undefined) throw new Error('WhatsApp Web has not started');
    return outbound;
  };

  return {
    platform: PLATFORM,
    approvalModes: ['reaction'],
    approvalReactions: APPROVAL_REACTIONS,
    send: (reply) => started().send(reply),
    postApprovalRequest: (request) => started().postApprovalRequest(request),
    async start() {
      // Throws the coded "not installed" error here, at boot, rather than on the first message.
      const createClient = options.webClient ?? await loadWhatsAppWeb(settings, options.importModule);
      const showQr = options.showQr ?? await terminalQrPrinter();
      session = new WhatsAppWebSession({
        createClient,
        showQr,
        logger: deps.logger,
        ...(options.reconnect !== undefined && { reconnect: options.reconnect }),
        ...(options.scheduleTimer !== undefined && { schedule: options.scheduleTimer }),
        handlers: {
          message: (message, _client, self) => pipeline.dispatch(async () => [normalizeWebMessage(message, await quotedIdOf(message), context(self))]),
          reaction: (reaction, self) => pipeline.dispatch(() => [normalizeWebReaction(reaction, context(self))]),
        },
      });
      outbound = new WebOutbound({ session, logger: deps.logger });
      session.start();
    },
    async stop() {
      await session?.stop();
      await pipeline.idle();
    },
  };
}

/** The message a reply quotes; whatsapp-web.js asks the browser for it, so a failure just means no quote. */
async function quotedIdOf(message: WebMessage): Promise<string | undefined> {
  if (message.hasQuotedMsg !== true || message.getQuotedMessage === undefined) return undefined;
  try {
    return (await message.getQuotedMessage())?.id._serialized;
  } catch {
    return undefined;
  }
}
