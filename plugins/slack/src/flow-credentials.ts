import type { FlowsService, LoadedFlow, Logger } from '@aof/api';
import type { SlackClients } from './client.js';
import type { FlowBotTokens, SigningSecret } from './config.js';
import { PLATFORM } from './events.js';
import { text } from './fields.js';
import { TtlCache } from './ttl-cache.js';

/** A token's workspace is asked once an hour; a failed ask is retried after a minute. */
const TEAM_TTL_MS = 60 * 60 * 1000;
const FAILURE_TTL_MS = 60 * 1000;

/** What verifies a request and where what it signs may go, for one flow table. */
export interface CredentialTable {
  /** The app-level secrets (app-wide, daemon workspaces) first, then one entry per secret flows carry themselves. */
  readonly secrets: readonly SigningSecret[];
  /**
   * The flows an app-level request (or a Socket Mode event) may reach: every flow except those
   * with their own signing secret. Undefined when no flow has one, so nothing is limited.
   */
  readonly appFlows: readonly string[] | undefined;
  /** Every bot token a flow with its own secret carries, in load order. */
  readonly flowTokens: readonly string[];
  /** For each flow with its own secret: its own bot token, then the other tokens of the flows sharing that secret (the same app). */
  readonly tokensByFlow: ReadonlyMap<string, readonly string[]>;
}

/**
 * Seed Pattern 5: flows that carry their own Slack app credentials (`trigger.config.signing_secret`
 * and `bot_token`). Read from the live flow table on every use and rebuilt when a reload swaps it,
 * so a flow added, changed or removed takes effect without restarting the plugin. A secret equal to
 * an app-level one is no flow's own: it stays app-level.
 *
 * The workspace a flow's token belongs to is what Slack says (auth.test), never what a request
 * claims, so one tenant's secret cannot sign for another tenant's workspace, and replies into a
 * workspace go out with the token issued for it.
 */
export class SlackFlowCredentials implements FlowBotTokens {
  readonly #flows: FlowsService | undefined;
  readonly #appSecrets: readonly SigningSecret[];
  readonly #clients: SlackClients;
  readonly #logger: Logger;
  readonly #teams = new TtlCache<Promise<string | undefined>>({ maxEntries: 10_000 });
  /** Token -> workspace, for the answers that arrived; read synchronously when a reply is sent. */
  readonly #knownTeams = new Map<string, string>();
  #source: readonly LoadedFlow[] | undefined;
  #table: CredentialTable;

  constructor(options: { flows: FlowsService | undefined; appSecrets: readonly SigningSecret[]; clients: SlackClients; logger: Logger }) {
    this.#flows = options.flows;
    this.#appSecrets = options.appSecrets;
    this.#clients = options.clients;
    this.#logger = options.logger;
    this.#table = { secrets: this.#appSecrets, appFlows: undefined, flowTokens: [], tokensByFlow: new Map() };
  }

  /** The table for the flows in force now (the same object until a reload changes them). */
  current(): CredentialTable {
    const flows = this.#flows?.list();
    if (flows === undefined || flows === this.#source) return this.#table;
    this.#source = flows;
    this.#table = buildTable(flows, this.#appSecrets, this.#logger);
    // Ask for the workspaces now, so the first request a new flow's secret signs does not wait for it.
    for (const token of this.#table.flowTokens) void this.#teamOf(token);
    return this.#table;
  }

  /**
   * Whether a request signed with a flow's own secret comes from a workspace one of those flows'
   * bot tokens was issued for. Fails closed: no token, or Slack cannot say, is a no.
   */
  async vouchesFor(signer: SigningSecret, team: string | undefined): Promise<boolean> {
    if (team === undefined) return false;
    const teams = await Promise.all((signer.botTokens ?? []).map((token) => this.#teamOf(token)));
    return teams.includes(team);
  }

  /** The flow-owned token issued for `team` (the first such flow in load order), once Slack has said so. */
  botToken(team: string): string | undefined {
    for (const token of this.current().flowTokens) {
      if (this.#knownTeams.get(token) === team) return token;
    }
    return undefined;
  }

  /**
   * The token that answers for `flow` in `team` when the flow carries its own app: its own token if
   * Slack says it was issued for that team, else the token of another flow of the same app issued
   * for it (one app installed in several workspaces), else its own. Undefined for other flows.
   */
  flowBotToken(flow: string, team: string | undefined): string | undefined {
    const tokens = this.current().tokensByFlow.get(flow);
    const own = tokens?.[0];
    if (tokens === undefined || team === undefined) return own;
    return tokens.find((token) => this.#knownTeams.get(token) === team) ?? own;
  }

  #teamOf(token: string): Promise<string | undefined> {
    const hit = this.#teams.get(token);
    if (hit !== undefined) return hit.value;
    const pending = this.#clients.lookup(token).auth.test().then(
      (response) => text(response.team_id),
      (error: unknown) => {
        // Only the method: the cache key is a token.
        this.#logger.warn({ platform: PLATFORM, method: 'auth.test', error: error instanceof Error ? error.message : String(error) }, 'could not learn the workspace of a flow\'s Slack bot token');
        return undefined;
      },
    );
    this.#teams.set(token, pending, TEAM_TTL_MS);
    void pending.then((team) => {
      if (team === undefined) this.#teams.set(token, pending, FAILURE_TTL_MS);
      else this.#knownTeams.set(token, team);
    });
    return pending;
  }
}

function buildTable(flows: readonly LoadedFlow[], appSecrets: readonly SigningSecret[], logger: Logger): CredentialTable {
  const appLevel = new Set(appSecrets.map((entry) => entry.secret));
  const groups = new Map<string, { flows: string[]; botTokens: string[] }>();
  const bound = new Set<string>();
  const ownTokens = new Map<string, { token: string; group: { botTokens: string[] } }>();
  for (const loaded of flows) {
    const trigger = loaded.flow.spec.trigger;
    if (!loaded.active || trigger?.type?.toLowerCase() !== PLATFORM) continue;
    const secret = text(trigger.config?.signing_secret);
    if (secret === undefined || appLevel.has(secret)) continue;
    const name = loaded.flow.metadata.name;
    let group = groups.get(secret);
    if (group === undefined) groups.set(secret, (group = { flows: [], botTokens: [] }));
    group.flows.push(name);
    const token = text(trigger.config?.bot_token);
    if (token !== undefined && !group.botTokens.includes(token)) group.botTokens.push(token);
    if (token !== undefined) ownTokens.set(name, { token, group });
    bound.add(name);
  }
  const secrets: SigningSecret[] = [...appSecrets];
  const flowTokens: string[] = [];
  for (const [secret, group] of groups) {
    // Without a token nothing says which workspace the secret may sign for, so what it signs is refused.
    if (group.botTokens.length === 0) logger.warn({ platform: PLATFORM, flows: group.flows }, 'Slack flows with their own signing_secret but no bot_token: their requests are refused');
    secrets.push({ secret, flows: Object.freeze(group.flows), botTokens: Object.freeze(group.botTokens) });
    for (const token of group.botTokens) if (!flowTokens.includes(token)) flowTokens.push(token);
  }
  const tokensByFlow = new Map<string, readonly string[]>();
  for (const [name, { token, group }] of ownTokens) {
    tokensByFlow.set(name, Object.freeze([token, ...group.botTokens.filter((other) => other !== token)]));
  }
  const appFlows = bound.size === 0 ? undefined : Object.freeze(flows.map((loaded) => loaded.flow.metadata.name).filter((name) => !bound.has(name)));
  return { secrets, appFlows, flowTokens, tokensByFlow };
}
