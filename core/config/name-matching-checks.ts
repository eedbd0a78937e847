/**
 * Where a flow's `channels` match by name on a platform whose names do not pin one channel for
 * this daemon: a Discord channel name in every guild the bot is in (and twice in one guild, if
 * someone makes a second), a Slack channel name in every workspace one app serves. The router
 * matches such a name wherever it appears, so the flow (its kubeconfig, its agent's tools) is
 * one channel creation away from a stranger. Said at load, at the entry, with what pins it.
 */
import { ErrorCode, type DaemonConfig } from '@aof/api';
import { isIdShaped } from '../router/names.js';
import { flowPlatform } from './platforms.js';
import { isRecord } from './prepare-document.js';
import { problemAt, type ConfigProblem } from './problems.js';
import type { FlowDocument } from './read-resources.js';

/** Entries that match by name: not `*`, not an id. */
function nameEntries(channels: readonly string[] | undefined): Array<[string, number]> {
  return (channels ?? []).map((entry, index) => [entry, index] as [string, number]).filter(([entry]) => entry !== '*' && !isIdShaped(entry));
}

export function nameMatchingProblems(daemon: DaemonConfig, flows: readonly FlowDocument[]): ConfigProblem[] {
  const enabled = (name: string): Record<string, unknown> | undefined => {
    const block = daemon.spec.platforms[name];
    return !isRecord(block) || block.enabled === false ? undefined : block;
  };
  const discord = enabled('discord');
  const slack = enabled('slack');
  const guilds = Array.isArray(discord?.guilds) && discord.guilds.length > 0;
  const slackTeams = Array.isArray(slack?.workspaces) ? slack.workspaces.length + (slack?.bot_token !== undefined || slack?.bot_token_env !== undefined ? 1 : 0) : 0;
  const problems: ConfigProblem[] = [];
  for (const { flow, yaml } of flows) {
    const platform = flowPlatform(flow);
    const config = flow.spec.trigger?.config;
    const entries = nameEntries(config?.channels);
    if (entries.length === 0) continue;
    let why: string | undefined;
    if (platform === 'discord' && discord !== undefined && !guilds) {
      why = 'Discord channel names are matched in every guild the bot is in (and a guild may hold two channels of one name): set platforms.discord.guilds, or name the channel by id';
    } else if (platform === 'slack' && slack !== undefined && slackTeams > 1 && config?.signing_secret === undefined && config?.signing_secret_env === undefined) {
      why = 'the Slack app serves several workspaces, and a channel of this name in any of them reaches this flow: name the channel by id, or give the flow its own Slack credentials';
    }
    if (why === undefined) continue;
    for (const [entry, index] of entries) {
      problems.push(problemAt(yaml)('warning', ErrorCode.CONFIG_INVALID, ['spec', 'trigger', 'config', 'channels', index], `flow ${flow.metadata.name} matches channel "${entry}" by name: ${why}`));
    }
  }
  return problems;
}
