import { coreServices, definePlugin } from '@aof/api';
import type { SlackConfig } from './config.js';
import { slackConfigSchema } from './config.js';
import { createSlackPlatform } from './create-platform.js';

export type { SlackConfig, SlackWorkspaceConfig } from './config.js';
export { createSlackPlatform, type SlackPlatformDeps, type SlackPlatformOptions } from './create-platform.js';
export { markdownToMrkdwn } from './format.js';
export { APPROVAL_REACTIONS } from './outbound.js';
export type { SocketClient, SocketClientFactory } from './socket.js';
export { SLACK_MESSAGE_LIMIT, splitMessage } from './split.js';
export { MAX_CLOCK_SKEW_SECS, signSlackRequest, verifySlackSignature, type SlackSignatureInput, type SlackSignatureResult } from './verify.js';

const deps = {
  logger: coreServices.logger,
  store: coreServices.store,
  http: coreServices.http,
  metrics: coreServices.metrics,
  inbound: coreServices.inbound,
  flows: coreServices.flows,
};

/** Slack over the Events API (signed webhooks) or Socket Mode; replies, reactions and approval buttons over the Web API. */
export const plugin = definePlugin<'platform', SlackConfig, typeof deps>({
  name: 'slack',
  kind: 'platform',
  configSchema: slackConfigSchema,
  deps,
  init: ({ config, deps: resolved }) => createSlackPlatform(config, resolved),
});

export default plugin;
