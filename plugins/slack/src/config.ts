import { AofError, ErrorCode } from '@aof/api';

/** One Slack workspace (team) with its own app credentials: seed Pattern 5, one org per workspace. */
export interface SlackWorkspaceConfig {
  team_id: string;
  bot_token: string;
  signing_secret: string;
  bot_user_id?: string;
}

/** The plugin's config: the daemon's `platforms.slack` block, `*_env` secrets already resolved. */
export interface SlackConfig {
  bot_token?: string;
  signing_secret?: string;
  /** App-level token (`xapp-...`) for Socket Mode. */
  app_token?: string;
  /** Web API base URL; tests point it at a fake. */
  api_url?: string;
  mode?: 'http' | 'socket';
  /** Events, interactivity and slash commands all post here (HTTP mode). */
  path?: string;
  bot_user_id?: string;
  workspaces?: SlackWorkspaceConfig[];
  /** Drop `message_changed` events (edits); with false an edit is handled as a new message. */
  ignore_edits?: boolean;
  /** Look up channel names (conversations.info) and user names (users.info) for routing. */
  resolve_names?: boolean;
}

export const DEFAULT_API_URL = 'https://slack.com/api/';
export const DEFAULT_PATH = '/webhooks/slack';

const secret = { type: 'string', minLength: 1 } as const;

const SOCKET_MODE = { properties: { mode: { const: 'socket' } }, required: ['mode'] } as const;

export const slackConfigSchema: Record<string, unknown> = {
  type: 'object',
  properties: {
    bot_token: secret,
    signing_secret: secret,
    app_token: secret,
    api_url: { type: 'string', pattern: '^https?://', default: DEFAULT_API_URL },
    mode: { enum: ['http', 'socket'], default: 'http' },
    path: { type: 'string', pattern: '^/', default: DEFAULT_PATH },
    bot_user_id: { type: 'string', minLength: 1 },
    workspaces: {
      type: 'array',
      items: {
        type: 'object',
        required: ['team_id', 'bot_token', 'signing_secret'],
        properties: { team_id: { type: 'string', minLength: 1 }, bot_token: secret, signing_secret: secret, bot_user_id: { type: 'string', minLength: 1 } },
        additionalProperties: false,
      },
    },
    ignore_edits: { type: 'boolean', default: true },
    resolve_names: { type: 'boolean', default: true },
  },
  // The daemon hands over the whole platforms.slack block, which may carry keys for other parts (app_id, ...).
  additionalProperties: true,
  allOf: [
    // Each rule is "not A, or B" (A implies B), written with anyOf.
    // Socket Mode needs the app token and a bot token to answer with.
    { anyOf: [{ not: SOCKET_MODE }, { required: ['app_token'], anyOf: [{ required: ['bot_token'] }, { required: ['workspaces'] }] }] },
    // App-wide credentials come as a pair: a secret needs a bot token to answer with, and in HTTP
    // mode a bot token needs the secret that verifies its app's requests. Neither is needed when
    // only flows carry credentials (seed Pattern 5); the plugin checks that when it starts.
    { anyOf: [{ not: { required: ['signing_secret'] } }, { required: ['bot_token'] }] },
    { anyOf: [{ not: { required: ['bot_token'] } }, SOCKET_MODE, { required: ['signing_secret'] }] },
  ],
};

/**
 * A signing secret. A daemon `workspaces` entry's secret names the only team it may sign for; a
 * flow's own secret (seed Pattern 5, `trigger.config.signing_secret`) names the flows that carry
 * it, the only ones what it signs may reach, and their bot tokens, whose workspaces it may sign for.
 */
export interface SigningSecret {
  secret: string;
  team?: string;
  flows?: readonly string[];
  botTokens?: readonly string[];
}

/** The bot tokens flows carry themselves, by the workspace each was issued for and by flow. */
export interface FlowBotTokens {
  botToken(team: string): string | undefined;
  flowBotToken(flow: string, team: string | undefined): string | undefined;
}

/** The config with defaults applied and credentials indexed by team. */
export interface SlackSettings {
  apiUrl: string;
  mode: 'http' | 'socket';
  path: string;
  appToken?: string;
  ignoreEdits: boolean;
  resolveNames: boolean;
  /** The app-wide secret first, then the daemon's workspaces; flows' own secrets are not here (they change on reload). */
  signingSecrets: readonly SigningSecret[];
  /**
   * The token that answers in `team`. For a flow's reply or approval request: the flow's own app's
   * token (FlowBotTokens.flowBotToken), else the daemon's workspace entry, else the app-wide one. Without a flow (name
   * lookups): the workspace entry, else a flow's own token issued for that team, else the app-wide one.
   */
  botToken(team: string | undefined, flow?: string): string | undefined;
  /** The bot user id the config names for `team`, if any. */
  botUserId(team: string | undefined): string | undefined;
}

/**
 * The daemon's workspaces by team. A second entry for a team would replace the first's secret
 * without a word, and every request the first app signs would then get 401; JSON Schema cannot
 * say "unique by team_id", so this is checked here, when the plugin initializes.
 */
function workspacesByTeam(workspaces: readonly SlackWorkspaceConfig[]): Map<string, SlackWorkspaceConfig> {
  const byTeam = new Map<string, SlackWorkspaceConfig>();
  for (const workspace of workspaces) {
    const team = workspace.team_id;
    if (byTeam.has(team)) {
      throw new AofError(ErrorCode.PLUGIN_CONFIG_INVALID, `plugin "slack" config is invalid: workspaces has more than one entry for team_id ${team}; `
        + 'entries must be unique (one app per workspace)', { plugin: 'slack', details: { team_id: team } });
    }
    byTeam.set(team, workspace);
  }
  return byTeam;
}

export function slackSettings(config: SlackConfig, flowTokens?: FlowBotTokens): SlackSettings {
  const workspaces = workspacesByTeam(config.workspaces ?? []);
  const secrets: SigningSecret[] = [];
  if (config.signing_secret !== undefined) secrets.push({ secret: config.signing_secret });
  for (const workspace of workspaces.values()) secrets.push({ secret: workspace.signing_secret, team: workspace.team_id });
  const apiUrl = config.api_url ?? DEFAULT_API_URL;
  const flowToken = (team: string | undefined): string | undefined => (team === undefined ? undefined : flowTokens?.botToken(team));
  return {
    // WebClient joins method names onto the base URL, so it must end with a slash.
    apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    mode: config.mode ?? 'http',
    path: config.path ?? DEFAULT_PATH,
    ...(config.app_token !== undefined && { appToken: config.app_token }),
    ignoreEdits: config.ignore_edits ?? true,
    resolveNames: config.resolve_names ?? true,
    signingSecrets: secrets,
    botToken: (team, flow) => {
      const workspaceToken = team === undefined ? undefined : workspaces.get(team)?.bot_token;
      if (flow === undefined) return workspaceToken ?? flowToken(team) ?? config.bot_token;
      // Another tenant's app installed in the same workspace must not answer for this flow.
      return flowTokens?.flowBotToken(flow, team) ?? workspaceToken ?? config.bot_token ?? flowToken(team);
    },
    // The app-wide bot_user_id is another bot than a flow's own app: that one is asked with auth.test.
    botUserId: (team) => (team === undefined ? undefined : workspaces.get(team)?.bot_user_id) ?? (flowToken(team) === undefined ? config.bot_user_id : undefined),
  };
}
