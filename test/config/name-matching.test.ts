/**
 * Flows that match channels by a name that does not pin one channel for this daemon are said
 * at load: Discord without guilds, Slack with an app serving several workspaces.
 */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../core/config/load-config.js';
import { warningsOf } from './support.js';

const flow = (name: string, type: string, config: string): string =>
  `apiVersion: aof.dev/v1\nkind: AgentFlow\nmetadata: { name: ${name} }\nspec:\n  trigger:\n    type: ${type}\n    config:\n${config}\n  agents: [{ name: ops }]\n`;

describe('channels matched by a name that does not pin one channel', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aof-names-'));
    await mkdir(path.join(dir, 'flows'));
    await mkdir(path.join(dir, 'agents'));
    await writeFile(path.join(dir, 'agents', 'ops.yaml'), 'apiVersion: aof.dev/v1\nkind: Agent\nmetadata: { name: ops }\nspec: { model: command, tools: [echo] }\n');
    await writeFile(path.join(dir, 'flows', 'flows.yaml'), [
      flow('discord-prod', 'Discord', '      channels: [production, "1200000000000000001", "*"]'),
      flow('slack-prod', 'Slack', '      channels: ["#production", C0PROD1234]'),
      flow('slack-own-app', 'Slack', '      channels: [production]\n      signing_secret: own-secret-123\n      bot_token: xoxb-own-token'),
    ].join('---\n'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function warnings(platforms: string): Promise<string[]> {
    const file = path.join(dir, 'daemon.yaml');
    await writeFile(file, `apiVersion: aof.dev/v1\nkind: DaemonConfig\nmetadata: { name: t }\nspec:\n  platforms:\n${platforms}\n`);
    const config = await loadConfig(file, { env: {} });
    return warningsOf(config.problems).filter((p) => p.message.includes('by name')).map((p) => `${p.path}: ${p.message}`);
  }

  it('warns for a Discord flow matching by name when no guilds pin the bot, at the entry; ids and * are fine', async () => {
    const found = await warnings('    discord: { enabled: true, bot_token: discord-token, public_key: "' + 'a'.repeat(64) + '" }');
    assert.deepEqual(found, [
      'spec.trigger.config.channels[0]: flow discord-prod matches channel "production" by name: Discord channel names are matched in every guild the bot is in (and a guild may hold two channels of one name): set platforms.discord.guilds, or name the channel by id',
    ]);
    assert.deepEqual(await warnings('    discord: { enabled: true, bot_token: discord-token, public_key: "' + 'a'.repeat(64) + '", guilds: ["1100000000000000001"] }'), []);
  });

  it('warns for an app-wide Slack flow matching by name when the app serves several workspaces', async () => {
    const two = '    slack:\n      enabled: true\n      signing_secret: app-secret-123\n      workspaces:\n        - { team_id: T0ORGA123, bot_token: xoxb-a }\n        - { team_id: T0ORGB123, bot_token: xoxb-b }';
    assert.deepEqual(await warnings(two), [
      'spec.trigger.config.channels[0]: flow slack-prod matches channel "#production" by name: the Slack app serves several workspaces, and a channel of this name in any of them reaches this flow: name the channel by id, or give the flow its own Slack credentials',
    ]);
    assert.deepEqual(await warnings('    slack: { enabled: true, signing_secret: app-secret-123, bot_token: xoxb-one }'), [], 'one workspace: names are unique in it');
  });
});
