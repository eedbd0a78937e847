import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { aofctl } from '../helpers/cli.js';

describe('aofctl validate', () => {
  it('passes the example deployment with no tokens set and reports its inactive flows', async () => {
    const run = await aofctl(['validate', '--config', 'daemon-config.yaml']);
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /^valid: \d+ flows \(2 active\), 8 agents/m);
    assert.match(run.stdout, /flow prod-k8s-flow is inactive: .*slack/);
  });

  it('fails when a configured platform leaves a flow variable unset, naming file, line and variable', async () => {
    const run = await aofctl(['validate', '--config', 'daemon-config.yaml'], {
      env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'shh-signing', KUBECONFIG_PROD: '/k/prod', KUBECONFIG_STAGING: '/k/staging' },
    });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /flows\/enterprise\/orgs\.yaml:\d+:\d+: error AOF_ERR_CONFIG_ENV_MISSING.*SLACK_BOT_TOKEN_ORG_A/);
    assert.match(run.stdout, /^invalid: /m);
    assert.doesNotMatch(run.stdout + run.stderr, /xoxb-test|shh-signing/, 'secrets never printed');
  });

  it('checks the plugins the daemon would load, as serve does before it starts', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aof-validate-plugins-'));
    const daemon = path.join(dir, 'daemon.yaml');
    const header = 'apiVersion: aof.dev/v1\nkind: DaemonConfig\nmetadata: { name: t }\nspec:\n';
    await writeFile(daemon, `${header}  plugins:\n    - use: no-such-plugin\n    - use: store-file\n      config: { path: 5 }\n    - use: scorer-label-boost\n`);
    const run = await aofctl(['validate', '--config', daemon]);
    assert.equal(run.code, 1, run.stdout);
    const errors = run.stdout.split('\n').filter((line) => line.includes(': error '));
    assert.equal(errors.length, 3, run.stdout);
    // Each at the line of the entry that names the plugin.
    assert.match(errors[0] ?? '', /daemon\.yaml:6:7: error AOF_ERR_PLUGIN_NOT_FOUND at spec\.plugins\[0\]: plugin "no-such-plugin" not found/);
    assert.match(errors[1] ?? '', /daemon\.yaml:7:7: error AOF_ERR_PLUGIN_CONFIG_INVALID at spec\.plugins\[1\]: plugin "store-file" config is invalid: \/path must be string/);
    assert.match(errors[2] ?? '', /daemon\.yaml:9:7: error AOF_ERR_PLUGIN_CONFIG_INVALID at spec\.plugins\[2\]: plugin "scorer-label-boost" .*required property 'label'/);

    // A platform's plugin config is checked under its block; secrets named by env are given to it, not printed.
    await writeFile(daemon, `${header}  platforms:\n    telegram:\n      enabled: true\n      bot_token_env: TG_TOKEN\n      mode: carrier-pigeon\n`);
    const platform = await aofctl(['validate', '--config', daemon], { env: { TG_TOKEN: '123:secret-token' } });
    assert.equal(platform.code, 1, platform.stdout);
    assert.match(platform.stdout, /daemon\.yaml:6:5: error AOF_ERR_PLUGIN_CONFIG_INVALID at spec\.platforms\.telegram: plugin "telegram" config is invalid: .*\/mode must be equal to one of the allowed values/);
    assert.doesNotMatch(platform.stdout + platform.stderr, /secret-token/);

    await writeFile(daemon, `${header}  plugins:\n    - use: store-file\n      config: { path: ./state.json }\n`);
    const fine = await aofctl(['validate', '--config', daemon]);
    assert.equal(fine.code, 0, fine.stdout);
  });

  it('refuses an admin API without a token, as serve does, at spec.admin', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aof-validate-admin-'));
    const daemon = path.join(dir, 'daemon.yaml');
    await writeFile(daemon, 'apiVersion: aof.dev/v1\nkind: DaemonConfig\nmetadata: { name: t }\nspec:\n  admin:\n    enabled: true\n    token_env: AOF_ADMIN_TOKEN\n');
    const run = await aofctl(['validate', '--config', daemon], { env: {} });
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stdout, /daemon\.yaml:5:3: error AOF_ERR_CONFIG_INVALID at spec\.admin: admin\.enabled is true but no admin token is configured: set the environment variable AOF_ADMIN_TOKEN/);
    const withToken = await aofctl(['validate', '--config', daemon], { env: { AOF_ADMIN_TOKEN: 'tok-123456' } });
    assert.equal(withToken.code, 0, withToken.stdout);
  });

  it('checks a lone DaemonConfig file as --config, and refuses one among flow files', async () => {
    const lone = await aofctl(['validate', 'daemon-config.yaml']);
    assert.equal(lone.code, 0, lone.stdout);
    assert.match(lone.stdout, /^valid: \d+ flows \(2 active\), 8 agents/m);
    assert.doesNotMatch(lone.stdout, /not loaded from here/);
    const mixed = await aofctl(['validate', 'daemon-config.yaml', 'agents/k8s-ops.yaml']);
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /daemon-config\.yaml holds a DaemonConfig: check it alone with --config FILE/);
  });

  it('checks loose files and exits 1 with the position of a bad field', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aof-validate-'));
    const file = path.join(dir, 'agent.yaml');
    await writeFile(file, 'apiVersion: aof.dev/v1\nkind: Agent\nmetadata:\n  name: broken\nspec:\n  model: command\n  max_iterations: lots\n');
    const run = await aofctl(['validate', file]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7:\\d+: error .*spec\\.max_iterations`));
  });

  it('requires --config or files', async () => {
    const run = await aofctl(['validate']);
    assert.equal(run.code, 2);
  });
});
