import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatProblem, loadConfig, loadResourceFiles } from '../../core/config/load-config.js';
import { errorsOf, problemAt } from './support.js';

/** Seed Pattern 5 with the credentials named by variable, as the AgentFlow schema allows. */
const ORG_FLOW = `apiVersion: aof.dev/v1
kind: AgentFlow
metadata:
  name: org-b-flow
spec:
  trigger:
    type: Slack
    config:
      events: [app_mention]
      bot_token_env: SLACK_BOT_TOKEN_ORG_B
      signing_secret_env: SLACK_SIGNING_SECRET_ORG_B
  agents:
    - name: org-b-assistant
`;

const WRITTEN_TOO = ORG_FLOW.replace('org-b-flow', 'org-c-flow').replace('      bot_token_env:', '      bot_token: xoxb-written\n      bot_token_env:');

describe('a flow\'s own credentials named by *_env in trigger.config', () => {
  let dir: string;
  let flowFile: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aof-trigger-env-'));
    flowFile = path.join(dir, 'flows', 'org-b-flow.yaml');
    await writeFile(path.join(dir, 'daemon.yaml'), [
      'apiVersion: aof.dev/v1', 'kind: DaemonConfig', 'metadata: { name: t }', 'spec:', '  platforms:',
      '    slack: { enabled: true, bot_token_env: SLACK_BOT_TOKEN, signing_secret_env: SLACK_SIGNING_SECRET }',
      '    telegram: { enabled: false }', '',
    ].join('\n'));
    await mkdir(path.join(dir, 'flows'));
    await mkdir(path.join(dir, 'agents'));
    await writeFile(path.join(dir, 'agents', 'org-b-assistant.yaml'), 'apiVersion: aof.dev/v1\nkind: Agent\nmetadata:\n  name: org-b-assistant\nspec:\n  model: command\n');
    await writeFile(flowFile, ORG_FLOW);
    await writeFile(path.join(dir, 'flows', 'org-c-flow.yaml'), WRITTEN_TOO);
    await writeFile(path.join(dir, 'flows', 'telegram-org.yaml'), ORG_FLOW.replace('org-b-flow', 'telegram-org').replace('type: Slack', 'type: Telegram'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('puts each variable\'s value under the plain key, as platforms.<name> blocks do; a written plain key wins', async () => {
    const env = { SLACK_BOT_TOKEN_ORG_B: 'xoxb-org-b', SLACK_SIGNING_SECRET_ORG_B: 'org-b-signing' };
    const loaded = await loadResourceFiles([path.join(dir, 'flows')], { env });
    assert.deepEqual(errorsOf(loaded.problems).map(formatProblem), []);
    const config = loaded.flows.find((f) => f.flow.metadata.name === 'org-b-flow')?.flow.spec.trigger?.config;
    assert.equal(config?.bot_token, 'xoxb-org-b');
    assert.equal(config?.signing_secret, 'org-b-signing');
    assert.equal(config?.signing_secret_env, 'SLACK_SIGNING_SECRET_ORG_B');
    assert.equal(loaded.flows.find((f) => f.flow.metadata.name === 'org-c-flow')?.flow.spec.trigger?.config?.bot_token, 'xoxb-written');
  });

  it('leaves out an active flow whose variable is unset (it must not serve without its own credentials), naming file, line and variable', async () => {
    const config = await loadConfig(path.join(dir, 'daemon.yaml'), { env: { SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 'y', SLACK_BOT_TOKEN_ORG_B: 'xoxb-org-b' } });
    assert.deepEqual(config.flows.map((f) => f.flow.metadata.name), ['telegram-org']);
    assert.deepEqual(errorsOf(config.problems).map((p) => [path.basename(p.file), p.path]), [
      ['org-b-flow.yaml', 'spec.trigger.config.signing_secret_env'],
      ['org-c-flow.yaml', 'spec.trigger.config.signing_secret_env'],
    ]);
    const error = problemAt(config.problems, flowFile, 'spec.trigger.config.signing_secret_env');
    assert.equal(error.severity, 'error');
    assert.equal(error.code, 'AOF_ERR_CONFIG_ENV_MISSING');
    assert.match(error.message, /^environment variable SLACK_SIGNING_SECRET_ORG_B is not set/);
    assert.equal(error.line, 11);
    // A flow of a platform that is off loads inactive, the unset variable part of why.
    const telegram = config.flows.find((f) => f.flow.metadata.name === 'telegram-org');
    assert.equal(telegram?.active, false);
    assert.match(telegram?.inactiveReason ?? '', /; variable SLACK_SIGNING_SECRET_ORG_B is not set$/);
  });
});
