/** The plugin's config: the daemon's `platforms.discord` block, `*_env` secrets already resolved. */
export interface DiscordConfig {
  /** Bot token: the gateway connection and every channel post. */
  bot_token?: string;
  /** The application's Ed25519 public key (64 hex characters); enables the HTTP interactions endpoint. */
  public_key?: string;
  /** Needed for slash-command follow-ups when neither the interaction nor the gateway names the application. */
  application_id?: string;
  /** REST base URL (without `/v10`); tests and air-gapped proxies point it elsewhere. */
  api_url?: string;
  /** Connect to the gateway for messages and reactions; default true when `bot_token` is set. */
  gateway?: boolean;
  /** The Interactions Endpoint URL path on the daemon's server. */
  path?: string;
  /** Only serve these guilds (server ids); events from any other guild are ignored. */
  guilds?: string[];
  /** Accept direct messages; default true without `guilds`, false with it (a DM belongs to no guild). */
  dms?: boolean;
  /** `mentions`: in guild channels only messages that mention the bot reach the kernel. */
  messages?: 'all' | 'mentions';
  /** Drop MESSAGE_UPDATE (edits); with false an edit is handled as a new message. */
  ignore_edits?: boolean;
}

export const DEFAULT_API_URL = 'https://discord.com/api';
export const DEFAULT_PATH = '/webhooks/discord';

const secret = { type: 'string', minLength: 1 } as const;
// A snowflake is a decimal string: unquoted in YAML it becomes a number and loses its low digits.
const snowflake = { type: 'string', pattern: '^[0-9]{1,20}$' } as const;

export const discordConfigSchema: Record<string, unknown> = {
  type: 'object',
  properties: {
    bot_token: secret,
    public_key: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
    application_id: snowflake,
    api_url: { type: 'string', pattern: '^https?://', default: DEFAULT_API_URL },
    gateway: { type: 'boolean' },
    path: { type: 'string', pattern: '^/', default: DEFAULT_PATH },
    guilds: { type: 'array', items: snowflake, minItems: 1 },
    dms: { type: 'boolean' },
    messages: { enum: ['all', 'mentions'], default: 'all' },
    ignore_edits: { type: 'boolean', default: true },
  },
  // The daemon hands over the whole platforms.discord block, which may carry keys for other parts.
  additionalProperties: true,
  allOf: [
    // Something to listen with: the gateway (bot token) or the interactions endpoint (public key).
    { anyOf: [{ required: ['bot_token'] }, { required: ['public_key'] }] },
    // gateway: true needs the bot token to log in with.
    { anyOf: [{ not: { properties: { gateway: { const: true } }, required: ['gateway'] } }, { required: ['bot_token'] }] },
  ],
};

/** The config with defaults applied. */
export interface DiscordSettings {
  apiUrl: string;
  botToken?: string;
  publicKey?: string;
  applicationId?: string;
  gateway: boolean;
  path: string;
  /** Undefined: every guild. */
  guilds?: ReadonlySet<string>;
  dms: boolean;
  mentionsOnly: boolean;
  ignoreEdits: boolean;
}

export function discordSettings(config: DiscordConfig): DiscordSettings {
  const apiUrl = config.api_url ?? DEFAULT_API_URL;
  return {
    // @discordjs/rest appends `/v10/<route>` itself.
    apiUrl: apiUrl.replace(/\/+$/, '').replace(/\/v\d+$/, ''),
    ...(config.bot_token !== undefined && { botToken: config.bot_token }),
    ...(config.public_key !== undefined && { publicKey: config.public_key }),
    ...(config.application_id !== undefined && { applicationId: config.application_id }),
    gateway: config.gateway ?? config.bot_token !== undefined,
    path: config.path ?? DEFAULT_PATH,
    ...(config.guilds !== undefined && { guilds: new Set(config.guilds) }),
    dms: config.dms ?? config.guilds === undefined,
    mentionsOnly: config.messages === 'mentions',
    ignoreEdits: config.ignore_edits ?? true,
  };
}

/** Whether an event from `guild` (undefined: a DM) is one this daemon serves. */
export function servesGuild(settings: DiscordSettings, guild: string | undefined): boolean {
  if (guild === undefined) return settings.dms;
  return settings.guilds === undefined || settings.guilds.has(guild);
}
