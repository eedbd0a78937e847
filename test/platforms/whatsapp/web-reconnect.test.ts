import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { backoffDelayMs } from '@aof/plugin-whatsapp';
import { waitFor } from '@aof/testkit';
import { startWeb, webMessage, type WebTestEnv } from './fake-web-client.js';

const POLICY = { baseMs: 1_000, maxMs: 4_000 };

describe('reconnect backoff', () => {
  it('doubles from the base up to the cap, half fixed and half jitter', () => {
    const lowest = [0, 1, 2, 3, 10].map((attempt) => backoffDelayMs(attempt, POLICY, () => 0));
    const highest = [0, 1, 2, 3, 10].map((attempt) => backoffDelayMs(attempt, POLICY, () => 1));
    assert.deepEqual(lowest, [500, 1_000, 2_000, 2_000, 2_000]);
    assert.deepEqual(highest, [1_000, 2_000, 4_000, 4_000, 4_000]);
  });
});

describe('WhatsApp web session reconnects', () => {
  let env: WebTestEnv | undefined;
  afterEach(async () => {
    await env?.stop();
    env = undefined;
  });

  /** Runs the last scheduled reconnect and checks its wait lay in [low, high]. */
  function reconnectAfter(low: number, high: number): void {
    assert.ok(env !== undefined);
    const timer = env.timers.at(-1);
    assert.ok(timer !== undefined && !timer.cancelled, 'a reconnect is scheduled');
    assert.ok(timer.ms >= low && timer.ms <= high, `waited ${timer.ms} ms, expected ${low}..${high}`);
    timer.run();
  }

  it('builds a new client after a disconnect, backing off more while it keeps failing and less once it was ready', async () => {
    env = await startWeb();
    assert.equal(env.current().initializeCalls, 1);
    env.current().connect();
    env.current().emit('disconnected', 'NAVIGATION');
    assert.equal(env.clients[0]?.destroyCalls, 1, 'the lost client is destroyed');
    reconnectAfter(500, 1_000);
    assert.equal(env.clients.length, 2);
    assert.equal(env.current().initializeCalls, 1);

    env.current().emit('auth_failure', 'session expired');
    reconnectAfter(1_000, 2_000);
    env.current().emit('disconnected', 'CONFLICT');
    reconnectAfter(2_000, 4_000);
    assert.equal(env.clients.length, 4);

    env.current().connect();
    env.current().emit('disconnected', 'UNPAIRED');
    reconnectAfter(500, 1_000);
    assert.equal(env.clients.length, 5);
  });

  it('retries when the browser cannot start', async () => {
    env = await startWeb({}, {}, (client, index) => {
      if (index === 0) client.failInitialize = new Error('Failed to launch the browser process');
    });
    await waitFor('the reconnect', () => env?.timers.at(-1));
    assert.ok(env.logs.some((line) => line.includes('WhatsApp Web could not start; reconnecting') && line.includes('Failed to launch')));
    reconnectAfter(500, 1_000);
    assert.equal(env.clients.length, 2);
    assert.equal(env.current().initializeCalls, 1);
  });

  it('leaves a phone logout to whatsapp-web.js, which shows a new QR in the same client', async () => {
    env = await startWeb();
    env.current().connect();
    env.current().emit('disconnected', 'LOGOUT');
    assert.equal(env.timers.length, 0);
    assert.equal(env.clients.length, 1);
    env.current().emit('qr', 'new-qr');
    assert.deepEqual(env.qrs, ['new-qr']);
  });

  it('ignores events from a client it has replaced', async () => {
    env = await startWeb();
    const old = env.current();
    old.connect();
    old.emit('disconnected', 'NAVIGATION');
    reconnectAfter(0, 1_000);
    old.emit('message', webMessage({ body: 'from the old client' }));
    old.emit('disconnected', 'NAVIGATION');
    assert.equal(env.timers.length, 1, 'a stale disconnect schedules nothing');
    env.current().connect();
    env.current().emit('message', webMessage({ body: 'from the new client' }));
    await waitFor('the new message', () => env?.recording.messages.find((message) => message.text === 'from the new client'));
    assert.equal(env.recording.messages.some((message) => message.text === 'from the old client'), false);
  });

  it('stops for good: the pending reconnect is cancelled, the client destroyed, a second stop is safe', async () => {
    env = await startWeb();
    env.current().emit('disconnected', 'NAVIGATION');
    const pending = env.timers.at(-1);
    await env.platform.stop?.();
    await env.platform.stop?.();
    assert.equal(pending?.cancelled, true);
    env.current().emit('disconnected', 'NAVIGATION');
    assert.equal(env.timers.length, 1);
    await assert.rejects(env.platform.send({ platform: 'whatsapp', channelId: '16505550100', text: 'too late' }), /stopped/);
  });
});
