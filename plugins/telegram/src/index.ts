import { coreServices, definePlugin } from '@aof/api';
import type { TelegramConfig } from './config.js';
import { telegramConfigSchema } from './config.js';
import { createTelegramPlatform } from './create-platform.js';

export { ALLOWED_UPDATES, DEFAULT_API_ROOT, DEFAULT_PATH, telegramConfigSchema, type TelegramConfig } from './config.js';
export { createTelegramPlatform, type TelegramPlatformDeps } from './create-platform.js';
export { escapeHtml, htmlToPlainText, markdownToTelegramHtml } from './format.js';
export { APPROVAL_REACTIONS } from './outbound.js';
export { splitTelegramHtml, TELEGRAM_MESSAGE_LIMIT } from './split.js';
export { SECRET_TOKEN_HEADER, secretTokenVerifier, type SecretTokenResult } from './verify.js';

const deps = {
  logger: coreServices.logger,
  store: coreServices.store,
  http: coreServices.http,
  metrics: coreServices.metrics,
  inbound: coreServices.inbound,
};

/** Telegram over a secret-checked webhook or long polling; HTML replies, button approvals and reactions over the Bot API. */
export const plugin = definePlugin<'platform', TelegramConfig, typeof deps>({
  name: 'telegram',
  kind: 'platform',
  configSchema: telegramConfigSchema,
  deps,
  init: ({ config, deps: resolved }) => createTelegramPlatform(config, resolved),
});

export default plugin;
