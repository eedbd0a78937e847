import { AofError, ErrorCode } from '@aof/api';

/** The plugin's config: the daemon's `platforms.telegram` block, `*_env` secrets already resolved. */
export interface TelegramConfig {
  /** `<bot id>:<secret>` from @BotFather. */
  bot_token: string;
  /** The `secret_token` given to setWebhook; Telegram echoes it in every webhook call. Required in webhook mode. */
  webhook_secret?: string | null;
  /** Bot API base URL; tests and local Bot API servers point it elsewhere. */
  api_root?: string;
  mode?: 'webhook' | 'polling';
  /** Where Telegram posts updates (webhook mode). */
  path?: string;
  /** The bot's @username; asked once with getMe when absent. */
  bot_username?: string;
  /** Drop edited messages; with false an edit is handled as a new message. */
  ignore_edits?: boolean;
  /**
   * Let flows' `chats`/`channels` match group titles too. Off by default: anyone can create a group
   * with any title and add the bot, so turn it on only when the bot cannot join groups you do not
   * control (@BotFather: /setjoingroups, Disable).
   */
  match_titles?: boolean;
  /** Public HTTPS URL of `path`; when set, the plugin registers the webhook itself on start. */
  webhook_url?: string;
}

export const DEFAULT_API_ROOT = 'https://api.telegram.org';
export const DEFAULT_PATH = '/webhooks/telegram';

/**
 * Update types the bot asks Telegram for. `message_reaction` is only ever delivered when listed
 * here (and when the bot is an admin of the chat).
 */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'channel_post', 'edited_channel_post', 'callback_query', 'message_reaction'] as const;

const TOKEN_PATTERN = '^[0-9]+:[A-Za-z0-9_-]+$';
/** What setWebhook accepts as `secret_token`: 1-256 of A-Z, a-z, 0-9, `_` and `-`. */
const SECRET_PATTERN = '^[A-Za-z0-9_-]{1,256}$';

export const telegramConfigSchema: Record<string, unknown> = {
  type: 'object',
  required: ['bot_token'],
  properties: {
    bot_token: { type: 'string', pattern: TOKEN_PATTERN },
    // null is what `webhook_secret: null` in YAML gives; fine in polling mode.
    webhook_secret: { type: ['string', 'null'], pattern: SECRET_PATTERN },
    api_root: { type: 'string', pattern: '^https?://', default: DEFAULT_API_ROOT },
    mode: { enum: ['webhook', 'polling'], default: 'webhook' },
    path: { type: 'string', pattern: '^/', default: DEFAULT_PATH },
    bot_username: { type: 'string', pattern: '^@?[A-Za-z0-9_]{1,64}$' },
    ignore_edits: { type: 'boolean', default: true },
    match_titles: { type: 'boolean', default: false },
    webhook_url: { type: 'string', pattern: '^https://' },
  },
  // The daemon hands over the whole platforms.telegram block, which may carry keys for other parts.
  additionalProperties: true,
  // Webhook mode (the default) must be able to tell Telegram's requests from anyone else's.
  if: { properties: { mode: { const: 'polling' } }, required: ['mode'] },
  else: { required: ['webhook_secret'], properties: { webhook_secret: { type: 'string' } } },
};

/** The config with defaults applied and what the token already tells. */
export interface TelegramSettings {
  botToken: string;
  /** The bot's user id: the part of the token before the colon. */
  botId: string;
  /** With a trailing slash, so a root with a path (`https://proxy/telegram`) keeps it. */
  apiRoot: string;
  mode: 'webhook' | 'polling';
  path: string;
  webhookSecret: string | undefined;
  webhookUrl: string | undefined;
  /** Without the leading `@`. */
  botUsername: string | undefined;
  ignoreEdits: boolean;
  matchTitles: boolean;
}

/**
 * Applies defaults. The kernel has validated the config against the schema already; the checks
 * here repeat the two that matter for safety, for callers that build the plugin without it.
 */
export function telegramSettings(config: TelegramConfig): TelegramSettings {
  const botId = /^(\d+):/.exec(config.bot_token ?? '')?.[1];
  if (botId === undefined) throw configError('bot_token must look like <bot id>:<secret>, as @BotFather gives it');
  const mode = config.mode ?? 'webhook';
  const webhookSecret = config.webhook_secret ?? undefined;
  if (mode === 'webhook' && (webhookSecret === undefined || webhookSecret === '')) {
    throw configError('webhook mode needs webhook_secret (the secret_token Telegram echoes on every call); set it, or use mode: polling');
  }
  const apiRoot = config.api_root ?? DEFAULT_API_ROOT;
  return {
    botToken: config.bot_token,
    botId,
    apiRoot: apiRoot.endsWith('/') ? apiRoot : `${apiRoot}/`,
    mode,
    path: config.path ?? DEFAULT_PATH,
    webhookSecret,
    webhookUrl: config.webhook_url,
    botUsername: config.bot_username?.replace(/^@/, ''),
    ignoreEdits: config.ignore_edits ?? true,
    matchTitles: config.match_titles ?? false,
  };
}

function configError(message: string): AofError {
  return new AofError(ErrorCode.PLUGIN_CONFIG_INVALID, `plugin "telegram" config is invalid: ${message}`, { plugin: 'telegram' });
}
