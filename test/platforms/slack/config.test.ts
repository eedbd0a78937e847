import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, isAofError } from '@aof/api';
import { startTestKernel } from '../contract/start-test-kernel.js';

/** Boots a kernel with only the Slack plugin and returns the load errors (none when it boots). */
async function loadErrors(config: Record<string, unknown>): Promise<Error[]> {
  try {
    const kernel = await startTestKernel({ plugins: [{ use: 'slack', config }] });
    await kernel.stop();
    return [];
  } catch (error) {
    return error instanceof AggregateError ? error.errors as Error[] : [error as Error];
  }
}

describe('Slack plugin config', () => {
  it('boots with a bot token and a signing secret, ignoring keys meant for others', async () => {
    assert.deepEqual(await loadErrors({ bot_token: 'xoxb-1', signing_secret: 's', app_id: 'A0123456789', approval_allowed_users: ['U1'] }), []);
  });

  it('boots with workspaces alone', async () => {
    assert.deepEqual(await loadErrors({ workspaces: [{ team_id: 'T1', bot_token: 'xoxb-1', signing_secret: 's' }] }), []);
  });

  it('refuses to start with no credentials at all (none app-wide, no flow with its own), saying where they go', async () => {
    const errors = await loadErrors({ api_url: 'http://127.0.0.1:9/' });
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]?.message), /Slack is enabled but has no credentials: set platforms\.slack bot_token and signing_secret/);
  });

  it('refuses two workspaces entries for one team when it initializes, naming the team but no secret', async () => {
    const entry = (suffix: string) => ({ team_id: 'T0DUPLICATE', bot_token: `xoxb-secret-token-${suffix}`, signing_secret: `signing-secret-${suffix}` });
    const errors = await loadErrors({ workspaces: [entry('first'), { team_id: 'T0OTHER001', bot_token: 'xoxb-other', signing_secret: 'other' }, entry('second')] });
    assert.equal(errors.length, 1);
    const error = errors[0];
    // Schema checks cannot see it; the kernel wraps what init throws, keeping the coded error as the cause.
    assert.ok(isAofError(error, ErrorCode.PLUGIN_HOOK_FAILED), String(error));
    assert.ok(isAofError(error.cause, ErrorCode.PLUGIN_CONFIG_INVALID), String(error.cause));
    assert.equal(error.cause.plugin, 'slack');
    assert.match(error.message, /team_id T0DUPLICATE; entries must be unique/);
    assert.doesNotMatch(error.message, /xoxb-secret-token|signing-secret-/);
  });

  const invalid: Array<[string, Record<string, unknown>]> = [
    ['no signing secret in HTTP mode', { bot_token: 'xoxb-secret-token-value' }],
    ['no app token in Socket Mode', { mode: 'socket', bot_token: 'xoxb-secret-token-value' }],
    ['no bot token in Socket Mode', { mode: 'socket', app_token: 'xapp-secret-token-value' }],
    ['no bot token', { signing_secret: 'signing-secret-value' }],
    ['an unknown mode', { mode: 'rtm', bot_token: 'xoxb-secret-token-value', signing_secret: 'signing-secret-value' }],
    ['a workspace without its secret', { workspaces: [{ team_id: 'T1', bot_token: 'xoxb-secret-token-value' }] }],
    ['a relative path', { bot_token: 'xoxb-secret-token-value', signing_secret: 'signing-secret-value', path: 'webhooks/slack' }],
  ];
  for (const [label, config] of invalid) {
    it(`refuses ${label} before any plugin code runs, naming the plugin but no secret`, async () => {
      const errors = await loadErrors(config);
      assert.equal(errors.length, 1);
      const error = errors[0];
      assert.ok(isAofError(error, ErrorCode.PLUGIN_CONFIG_INVALID), String(error));
      assert.equal(error.plugin, 'slack');
      assert.doesNotMatch(error.message, /xoxb-secret-token-value|signing-secret-value/);
    });
  }
});
