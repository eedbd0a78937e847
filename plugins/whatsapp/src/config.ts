/** The plugin's config: the daemon's `platforms.whatsapp` block, `*_env` secrets already resolved. */
export interface WhatsAppConfig {
  /** `cloud` (default): the WhatsApp Business Cloud API; `web`: a linked WhatsApp account through whatsapp-web.js. */
  mode?: 'cloud' | 'web';
  /** Graph API token (a system-user token) that sends the replies. */
  access_token?: string;
  /** Meta app secret: webhooks are signed with it (`X-Hub-Signature-256`). */
  app_secret?: string;
  /** The token typed into the app dashboard; the subscription handshake must echo it. */
  verify_token?: string;
  /** The business number that sends when a reply names none (replies normally go from the number that received). */
  phone_number_id?: string | number;
  /** Graph API base URL; tests and air-gapped proxies point it elsewhere. */
  graph_url?: string;
  graph_version?: string;
  /** Webhook path (verification GET and deliveries POST). */
  path?: string;
  /** Messages older than this are dropped (Meta retries for days; a signed body can be replayed). 0 disables. */
  max_age_secs?: number;
  /** Only these chats (phone numbers, group ids) reach the kernel; absent lets every chat through. */
  allowed_chats?: Array<string | number>;
  /** Chat id -> the name flows match with `channels: [...]`: WhatsApp chats other than web-mode groups have none. */
  chat_names?: Record<string, string>;
  /** Web mode: where LocalAuth keeps the linked session (its `dataPath`). */
  session_dir?: string;
  /** Web mode: Chromium to drive (puppeteer `executablePath`); nothing is downloaded. */
  chromium_path?: string;
  /** Web mode: extra Chromium flags, e.g. `--no-sandbox` inside a container running as root. */
  chromium_args?: string[];
}

export const DEFAULT_GRAPH_URL = 'https://graph.facebook.com';
export const DEFAULT_GRAPH_VERSION = 'v21.0';
export const DEFAULT_PATH = '/webhooks/whatsapp';
/** One hour, the same as the dedupe window: a replay is either still remembered or too old. */
export const DEFAULT_MAX_AGE_SECS = 3_600;

const secret = { type: 'string', minLength: 1 } as const;
const id = { anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer', minimum: 0 }] } as const;

export const whatsappConfigSchema: Record<string, unknown> = {
  type: 'object',
  properties: {
    mode: { enum: ['cloud', 'web'], default: 'cloud' },
    access_token: secret,
    app_secret: secret,
    verify_token: secret,
    // YAML reads an unquoted id as a number; both are accepted.
    phone_number_id: id,
    graph_url: { type: 'string', pattern: '^https?://', default: DEFAULT_GRAPH_URL },
    graph_version: { type: 'string', pattern: '^v\\d+\\.\\d+$', default: DEFAULT_GRAPH_VERSION },
    path: { type: 'string', pattern: '^/', default: DEFAULT_PATH },
    max_age_secs: { type: 'integer', minimum: 0, default: DEFAULT_MAX_AGE_SECS },
    allowed_chats: { type: 'array', items: id },
    chat_names: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
    session_dir: { type: 'string', minLength: 1 },
    chromium_path: { type: 'string', minLength: 1 },
    chromium_args: { type: 'array', items: { type: 'string', minLength: 1 } },
  },
  // The daemon hands over the whole platforms.whatsapp block, which may carry keys for other parts.
  additionalProperties: true,
  // Cloud mode (the default) verifies webhooks and sends through the Graph API; web mode needs neither.
  anyOf: [
    { properties: { mode: { const: 'web' } }, required: ['mode'] },
    { properties: { mode: { const: 'cloud' } }, required: ['access_token', 'app_secret', 'verify_token'] },
  ],
};

/** The config with defaults applied and ids as strings. */
export interface WhatsAppSettings {
  mode: 'cloud' | 'web';
  path: string;
  /** `<graph_url>/<graph_version>`, no trailing slash. */
  graphBaseUrl: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  phoneNumberId?: string;
  maxAgeMs: number;
  allowedChats?: ReadonlySet<string>;
  chatNames: ReadonlyMap<string, string>;
  sessionDir?: string;
  chromiumPath?: string;
  chromiumArgs: readonly string[];
}

export function whatsappSettings(config: WhatsAppConfig): WhatsAppSettings {
  const graphUrl = (config.graph_url ?? DEFAULT_GRAPH_URL).replace(/\/+$/, '');
  return {
    mode: config.mode ?? 'cloud',
    path: config.path ?? DEFAULT_PATH,
    graphBaseUrl: `${graphUrl}/${config.graph_version ?? DEFAULT_GRAPH_VERSION}`,
    accessToken: config.access_token ?? '',
    appSecret: config.app_secret ?? '',
    verifyToken: config.verify_token ?? '',
    ...(config.phone_number_id !== undefined && { phoneNumberId: String(config.phone_number_id) }),
    maxAgeMs: (config.max_age_secs ?? DEFAULT_MAX_AGE_SECS) * 1000,
    ...(config.allowed_chats !== undefined && { allowedChats: new Set(config.allowed_chats.map(String)) }),
    chatNames: new Map(Object.entries(config.chat_names ?? {})),
    ...(config.session_dir !== undefined && { sessionDir: config.session_dir }),
    ...(config.chromium_path !== undefined && { chromiumPath: config.chromium_path }),
    chromiumArgs: config.chromium_args ?? [],
  };
}
