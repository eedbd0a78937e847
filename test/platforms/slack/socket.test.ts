import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMetrics } from '../../../core/metrics/metrics.js';
import type { InboundMessage, LoadedFlow, PlatformInstance } from '@aof/api';
import { createSlackPlatform, type SocketClient } from '@aof/plugin-slack';
import { MemoryStore } from '@aof/plugin-store-memory';
import { createRecordingSink, deliverHttp, waitFor, type RecordingSink } from '@aof/testkit';
import { createLogger } from '../../../core/logging/logger.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../fakes/slack-api.js';
import { sharedFixturesDir } from '../../helpers/paths.js';
import { startSlack } from './harness.js';
import { BOT_TOKEN, BOT_USER_ID, signedRequest, TEAM_ID } from './slack-requests.js';

const slackFixture = (file: string): string => readFileSync(path.join(sharedFixturesDir, 'platforms', 'slack', file), 'utf8');

/** Stands in for the WebSocket client: the test emits what Slack would send over the socket. */
class FakeSocketClient extends EventEmitter implements SocketClient {
  starts = 0;
  disconnects = 0;
  async start(): Promise<unknown> {
    this.starts += 1;
    return {};
  }
  async disconnect(): Promise<void> {
    this.disconnects += 1;
  }
}

const flowOf = (name: string, config: Record<string, unknown>): LoadedFlow => ({
  flow: { apiVersion: 'aof.dev/v1', kind: 'AgentFlow', metadata: { name }, spec: { trigger: { type: 'Slack', config }, agents: [{ name: 'assistant' }] } },
  index: 0,
  source: { file: `${name}.yaml`, line: 1, column: 1 },
  active: true,
});
const SOCKET_FLOWS = [flowOf('org-a-flow', { bot_token: 'xoxb-org-a', signing_secret: 'org-a-secret' }), flowOf('app-flow', {})];

interface Delivered {
  acks: number;
}

describe('Slack Socket Mode', () => {
  const client = new FakeSocketClient();
  const store = new MemoryStore({ sweepIntervalMs: 60_000 });
  let api: FakeSlackApi;
  let recording: RecordingSink;
  let platform: PlatformInstance;
  let factoryOptions: { appToken: string; apiUrl: string } | undefined;
  let routesRegistered = 0;

  before(async () => {
    api = await startFakeSlackApi({ bots: { [BOT_TOKEN]: { userId: BOT_USER_ID, teamId: TEAM_ID } }, channels: { C123ABC456: 'general' } });
    recording = createRecordingSink();
    platform = createSlackPlatform(
      { mode: 'socket', app_token: 'xapp-test-app-token', bot_token: BOT_TOKEN, api_url: api.url },
      {
        logger: createLogger({ level: 'silent', format: 'json' }),
        store,
        http: { register: () => void (routesRegistered += 1) },
        metrics: createMetrics(),
        inbound: recording.sink,
        // An organization's flow with its own credentials: what arrives over the app's socket is app-level and never reaches it.
        flows: { list: () => SOCKET_FLOWS, routing: () => ({ strict_mode: false, weights: { channel: 100, user: 80, pattern: 60, platform: 40, catch_all: 10 } }) },
      },
      {
        socketClient: (options) => {
          factoryOptions = { appToken: options.appToken, apiUrl: options.apiUrl };
          return client;
        },
      },
    );
    await platform.start?.();
  });

  after(async () => {
    await platform.stop?.();
    await store.close();
    await api.close();
  });

  function emit(type: string, body: unknown, retryNum = 0): Delivered {
    const delivered = { acks: 0 };
    client.emit('slack_event', { type, body, retry_num: retryNum, envelope_id: `env-${Math.random()}`, ack: async () => void (delivered.acks += 1) });
    return delivered;
  }

  function without<T extends InboundMessage>(message: T): Omit<T, 'receivedAt'> {
    const { receivedAt: _receivedAt, ...rest } = message;
    return rest;
  }

  it('connects with the app token to the configured API and adds no HTTP route', () => {
    assert.equal(client.starts, 1);
    assert.deepEqual(factoryOptions, { appToken: 'xapp-test-app-token', apiUrl: api.url });
    assert.equal(routesRegistered, 0);
  });

  it('acks an events_api envelope and submits the message the HTTP receiver would', async () => {
    const envelope = JSON.parse(slackFixture('event_callback_message_thread_reply.json')) as Record<string, unknown>;
    const delivered = emit('events_api', envelope);
    const viaSocket = await waitFor('the socket message', () => recording.messages.find((message) => message.id === 'Ev123ABC457'));
    assert.equal(delivered.acks, 1);

    const http = await startSlack({ kernel: { flows: SOCKET_FLOWS } });
    try {
      await deliverHttp(http.kernel.url, signedRequest(JSON.stringify(envelope)));
      const viaHttp = await waitFor('the HTTP message', () => http.kernel.inbound[0]);
      assert.deepEqual(without(viaSocket), without(viaHttp));
    } finally {
      await http.stop();
    }
  });

  it('drops a redelivered envelope', async () => {
    const envelope = JSON.parse(slackFixture('event_callback_app_mention.json')) as Record<string, unknown>;
    emit('events_api', envelope);
    const redelivery = emit('events_api', envelope, 1);
    await waitFor('the mention', () => recording.messages.find((message) => message.kind === 'mention'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(redelivery.acks, 1, 'a redelivery is still acked');
    assert.equal(recording.messages.filter((message) => message.kind === 'mention').length, 1);
  });

  it('handles slash commands and interactivity like their HTTP forms', async () => {
    emit('slash_commands', Object.fromEntries(new URLSearchParams(slackFixture('slash_command.txt'))));
    emit('interactive', JSON.parse(slackFixture('block_actions.json')) as unknown);
    const command = await waitFor('the command', () => recording.messages.find((message) => message.kind === 'command'));
    const button = await waitFor('the button', () => recording.messages.find((message) => message.kind === 'button'));
    assert.equal(command.text, '94070');
    assert.equal(command.event, '/weather');
    assert.deepEqual(command.flows, ['app-flow']);
    assert.deepEqual(button.action, { id: 'WaXA', value: 'click_me_123', messageId: '1548261231.000200' });
  });

  it('acks a delivery that arrives right after another before handling either', async () => {
    const mention = (eventId: string): Record<string, unknown> => ({ ...JSON.parse(slackFixture('event_callback_app_mention.json')) as Record<string, unknown>, event_id: eventId });
    // The first one warms the lookups, so handling the next ones needs no I/O at all.
    emit('events_api', mention('EvWARM00001'));
    await waitFor('the warm-up mention', () => recording.messages.find((message) => message.id === 'EvWARM00001'));
    const before = recording.messages.length;
    // Two envelopes in two callbacks of one event-loop turn, as two sockets' data would come.
    const handledAtSecondAck = await new Promise<number>((resolve) => {
      setImmediate(() => emit('events_api', mention('EvBURST0001')));
      setImmediate(() => client.emit('slack_event', {
        type: 'events_api', body: mention('EvBURST0002'), retry_num: 0, envelope_id: 'env-burst-2',
        ack: async () => resolve(recording.messages.length - before),
      }));
    });
    assert.equal(handledAtSecondAck, 0, 'the first delivery was handled before the second was acked');
    await waitFor('both deliveries', () => recording.messages.find((message) => message.id === 'EvBURST0002'));
    assert.ok(recording.messages.some((message) => message.id === 'EvBURST0001'));
  });

  it('acks and ignores envelope types it does not handle', async () => {
    const before = recording.messages.length;
    const delivered = emit('hello', {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(delivered.acks, 1);
    assert.equal(recording.messages.length, before);
  });

  it('disconnects on stop, once', async () => {
    await platform.stop?.();
    await platform.stop?.();
    assert.equal(client.disconnects, 1);
  });
});
