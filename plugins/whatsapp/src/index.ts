import { coreServices, definePlugin } from '@aof/api';
import { whatsappConfigSchema, type WhatsAppConfig } from './config.js';
import { createWhatsAppPlatform } from './create-platform.js';

export { APPROVAL_REACTIONS, approvalButtonId, reactionName } from './approval.js';
export type { BackoffPolicy } from './backoff.js';
export { backoffDelayMs } from './backoff.js';
export type { WhatsAppConfig } from './config.js';
export { createWhatsAppPlatform } from './create-platform.js';
export { markdownToWhatsApp } from './format.js';
export { DEFAULT_RETRY, GraphApiError, type RetryPolicy } from './graph-client.js';
export type { WhatsAppPlatformDeps, WhatsAppPlatformOptions } from './platform-deps.js';
export { splitMessage, WHATSAPP_MESSAGE_LIMIT } from './split.js';
export { signHubPayload, verifyHubSignature, verifyTokenMatches } from './verify.js';
export type { WebChat, WebClient, WebClientFactory, WebMessage, WebMessageId, WebReaction } from './web-client.js';
export { normalizeWebMessage, normalizeWebReaction, type WebNormalizeContext } from './web-events.js';
export { loadWhatsAppWeb, terminalQrPrinter, WHATSAPP_WEB_MISSING, WHATSAPP_WEB_MODULE, type ModuleImporter } from './web-loader.js';
export { DEFAULT_RECONNECT, type ScheduleTimer } from './web-session.js';

const deps = {
  logger: coreServices.logger,
  store: coreServices.store,
  http: coreServices.http,
  metrics: coreServices.metrics,
  inbound: coreServices.inbound,
};

/** WhatsApp over the Business Cloud API (signed webhooks, Graph API) or, in web mode, a linked account via whatsapp-web.js. */
export const plugin = definePlugin<'platform', WhatsAppConfig, typeof deps>({
  name: 'whatsapp',
  kind: 'platform',
  configSchema: whatsappConfigSchema,
  deps,
  init: ({ config, deps: resolved }) => createWhatsAppPlatform(config, resolved),
});

export default plugin;
