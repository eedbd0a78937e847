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
