import { coreServices, definePlugin } from '@aof/api';
import { discordConfigSchema, type DiscordConfig } from './config.js';
import { createDiscordPlatform } from './create-platform.js';

export type { DiscordConfig } from './config.js';
export { createDiscordPlatform, type DiscordPlatformDeps } from './create-platform.js';
export { markdownToDiscord } from './format.js';
export { APPROVAL_REACTIONS } from './outbound.js';
export { DISCORD_MESSAGE_LIMIT, splitMessage } from './split.js';
export { discordPublicKey, MAX_CLOCK_SKEW_SECS, verifyDiscordSignature, type DiscordSignatureInput, type DiscordSignatureResult } from './verify.js';

const deps = {
  logger: coreServices.logger,
  store: coreServices.store,
  http: coreServices.http,
  metrics: coreServices.metrics,
  inbound: coreServices.inbound,
};

/**
 * Discord over the gateway (messages, reactions) and the signed HTTP interactions endpoint
 * (slash commands, buttons); replies, reactions and approval buttons over the REST API.
 */
export const plugin = definePlugin<'platform', DiscordConfig, typeof deps>({
  name: 'discord',
  kind: 'platform',
  configSchema: discordConfigSchema,
  deps,
  init: ({ config, deps: resolved }) => createDiscordPlatform(config, resolved),
});

export default plugin;
