import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ErrorCode, isAofError } from '@aof/api';
import { waitFor } from '@aof/testkit';
import { startTestKernel } from '../contract/start-test-kernel.js';
import { commandInteraction, PUBLIC_KEY, signedInteraction } from './discord-requests.js';
import { SAMPLE, startDiscord, type DiscordTestEnv } from './harness.js';

/** Boots a kernel with only the Discord plugin (no gateway) and returns the load errors (none when it boots). */
async function loadErrors(config: Record<string, unknown>): Promise<Error[]> {
  try {
    const kernel = await startTestKernel({ plugins: [{ use: 'discord', config }] });
    await kernel.stop();
    return [];
  } catch (error) {
    return error instanceof AggregateError ? error.errors as Error[] : [error as Error];
  }
}

describe('Discord plugin config', () => {
  it('boots with a public key alone (interactions only), ignoring keys meant for others', async () => {
    assert.deepEqual(await loadErrors({ public_key: PUBLIC_KEY, application_id: '290926444748734465', approval_allowed_users: ['1'] }), []);
  });

  it('boots with a bot token and the gateway switched off', async () => {
    assert.deepEqual(await loadErrors({ bot_token: 'secret-bot-token-value', gateway: false }), []);
  });

  const invalid: Array<[string, Record<string, unknown>]> = [
    ['neither a bot token nor a public key', { application_id: '290926444748734465' }],
    ['the gateway without a bot token', { public_key: PUBLIC_KEY, gateway: true }],
    ['a public key that is not 64 hex characters', { bot_token: 'secret-bot-token-value', public_key: 'not-a-key' }],
    ['an application id written as a YAML number', { bot_token: 'secret-bot-token-value', application_id: Number('290926444748734465') }],
    ['a guild id that is not a snowflake', { bot_token: 'secret-bot-token-value', guilds: ['production'] }],
    ['an unknown messages mode', { bot_token: 'secret-bot-token-value', messages: 'some' }],
    ['a relative path', { public_key: PUBLIC_KEY, path: 'webhooks/discord' }],
  ];
  for (const [label, config] of invalid) {
    it(`refuses ${label} before any plugin code runs, naming the plugin but no secret`, async () => {
      const errors = await loadErrors(config);
      assert.equal(errors.length, 1);
      const error = errors[0];
      assert.ok(isAofError(error, ErrorCode.PLUGIN_CONFIG_INVALID), String(error));
      assert.equal(error.plugin, 'discord');
      assert.doesNotMatch(error.message, /secret-bot-token-value/);
    });
  }
});

describe('Discord with interactions only (no bot token)', () => {
  let env: DiscordTestEnv | undefined;
  afterEach(async () => {
    await env?.stop();
    env = undefined;
  });

  it('takes a command with the names Discord sent, answers it through the follow-up, and calls nothing else', async () => {
    env = await startDiscord({ config: { bot_token: undefined } });
    const channelObject = { id: SAMPLE.channelId, type: 0, name: 'production' };
    const body = commandInteraction({ channel: SAMPLE.channelId, user: SAMPLE.userId, name: 'deploy', options: [{ name: 'target', value: 'staging' }], channelObject });
    await env.deliver(signedInteraction(JSON.stringify(body)));
    const { kernel } = env;
    const message = await waitFor('the command', () => kernel.inbound[0]);
    assert.deepEqual([message.text, message.channel, message.user], ['staging', { id: SAMPLE.channelId, type: 'channel', name: 'production' }, { id: SAMPLE.userId, name: 'alice' }]);
    await env.platform.send({ platform: 'discord', channelId: message.channel.id, text: 'deployed', replyTo: message.id });
    assert.deepEqual(env.api.calls.map((call) => call.route), ['PATCH /webhooks/:id/:token/messages/@original']);
    assert.deepEqual(env.gateway.identifies, []);
  });
});
