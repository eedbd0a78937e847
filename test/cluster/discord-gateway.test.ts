/**
 * Discord's gateway on every node of a cluster: each node holds a gateway session and receives
 * every MESSAGE_CREATE; the dedupe they share through Redis lets exactly one of them answer it.
 * (README, Cluster mode, says this may run on every node; this is the proof.)
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@aof/testkit';
import { startFakeDiscordApi, type FakeDiscordApi } from '../fakes/discord-api.js';
import { startFakeDiscordGateway, type FakeDiscordGateway } from '../fakes/discord-gateway.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { fixturesDir } from '../helpers/paths.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { APPLICATION_ID, BOT_TOKEN, BOT_USER_ID, GUILD_ID, messageCreate, PUBLIC_KEY } from '../platforms/discord/discord-requests.js';

const PRODUCTION = '1100000000000000001';
const USER = '1200000000000000001';
const BOT = { id: BOT_USER_ID, username: 'aof' };

function clusterConfig(redisUrl: string): string {
  return `apiVersion: aof.dev/v1
kind: DaemonConfig
metadata:
  name: cluster-discord
spec:
  server:
    port: 0
    host: 127.0.0.1
    cluster_mode: true
    redis_url: ${redisUrl}
  logging:
    level: debug
  agents:
    directory: ${path.join(fixturesDir, 'e2e', 'agents')}
  flows:
    directory: ${path.join(fixturesDir, 'e2e', 'discord', 'flows')}
  routing:
    strict_mode: true
  platforms:
    discord:
      enabled: true
      bot_token_env: DISCORD_BOT_TOKEN
      public_key_env: DISCORD_PUBLIC_KEY
      application_id: "${APPLICATION_ID}"
      api_url: \${FAKE_DISCORD_URL}
`;
}

describe('cluster mode: the Discord gateway on two nodes', () => {
  let redis: TestRedis;
  let gateway: FakeDiscordGateway;
  let api: FakeDiscordApi;
  let scratch: string;
  const nodes: TestDaemon[] = [];

  before(async () => {
    redis = await startTestRedis();
    gateway = await startFakeDiscordGateway({ botToken: BOT_TOKEN, bot: BOT, applicationId: APPLICATION_ID });
    api = await startFakeDiscordApi({
      botToken: BOT_TOKEN,
      bot: BOT,
      channels: { [PRODUCTION]: { name: 'production', type: 0, guildId: GUILD_ID } },
      users: { [USER]: 'alice' },
    });
    api.setGatewayUrl(gateway.url);
    scratch = await mkdtemp(path.join(tmpdir(), 'aof-cluster-discord-'));
    const configPath = path.join(scratch, 'daemon-config.yaml');
    await writeFile(configPath, clusterConfig(redis.url));
    // The e2e flows run a gated fake kubectl: the gate file open lets it answer at once.
    const gate = path.join(scratch, 'gate');
    await writeFile(gate, '');
    const env = {
      DISCORD_BOT_TOKEN: BOT_TOKEN,
      DISCORD_PUBLIC_KEY: PUBLIC_KEY,
      FAKE_DISCORD_URL: api.url,
      E2E_GATE: gate,
      E2E_BIN: path.join(fixturesDir, 'e2e', 'bin'),
      FAKE_KUBECTL_LOG: path.join(scratch, 'kubectl.jsonl'),
    };
    for (let i = 0; i < 2; i++) nodes.push(await startTestDaemon({ configPath, env }));
    await waitFor('both nodes in a gateway session', () => gateway.sessionCount() === 2 || undefined, 10_000);
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await Promise.all([api?.close(), gateway?.close(), redis?.stop()]);
    await rm(scratch, { recursive: true, force: true });
  });

  it('answers a message both nodes received once, from one node', async () => {
    const message = messageCreate({ channel: PRODUCTION, user: USER, text: 'kubectl get pods -n staging', mention: true });
    gateway.dispatch('MESSAGE_CREATE', message);
    await waitFor('the answer', () => api.sentMessages().find((sent) => sent.channelId === PRODUCTION), 20_000);
    const dropped = await waitFor('the other node dropping its copy', () => nodes.find((node) => node.logs.some((line) => line.msg === 'Discord redelivery dropped' && line.id === message.id)), 10_000);
    // The request line is written once the answer is posted: the fake API may see the answer first.
    const answeringNodes = (): TestDaemon[] => nodes.filter((node) => node.logs.some((line) => line.msg === 'request' && line.platform === 'discord'));
    const answering = await waitFor('the request line', () => (answeringNodes().length > 0 ? answeringNodes() : undefined), 10_000);
    assert.equal(answering.length, 1, 'one node handled it');
    assert.notEqual(answering[0], dropped, 'and it is not the node that dropped its copy');
    assert.equal(api.sentMessages().filter((sent) => sent.channelId === PRODUCTION).length, 1, 'one answer');
  });
});
