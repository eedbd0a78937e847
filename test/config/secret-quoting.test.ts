/**
 * Problem messages never quote a secret: not one pasted where a variable's name belongs
 * (`bot_token_env: xoxb-...`), nor one from the environment that an alias or merge key repeats
 * under another path, nor one a check quotes after substitution.
 */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatProblem, loadConfig, loadResourceFiles } from '../../core/config/load-config.js';
import { adminSettings } from '../../core/admin/admin-settings.js';

const PASTED = ['s3cr3t-admin-token-value!', 'xoxb-1234-SECRETSLACK', 'sk-proj-SECRETOPENAIKEY', 'xoxb-flow-own-SECRET'];
const FROM_ENV = 'supersecretvalue123';

describe('secrets in problem messages', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aof-secret-quoting-'));
    await mkdir(path.join(dir, 'flows'));
    await mkdir(path.join(dir, 'agents'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('does not quote a secret pasted into a *_env key, anywhere it is reported', async () => {
    await writeFile(path.join(dir, 'daemon.yaml'), [
      'apiVersion: aof.dev/v1', 'kind: DaemonConfig', 'metadata: { name: t }', 'spec:',
      `  admin: { enabled: true, token_env: "${PASTED[0]}" }`,
      `  platforms: { slack: { enabled: true, bot_token_env: "${PASTED[1]}", signing_secret: not-shown-either } }`, '',
    ].join('\n'));
    await writeFile(path.join(dir, 'agents', 'a.yaml'), `apiVersion: aof.dev/v1\nkind: Agent\nmetadata: { name: a }\nspec: { model: "openai:m", api_key_env: "${PASTED[2]}" }\n`);
    await writeFile(path.join(dir, 'flows', 'f.yaml'), `apiVersion: aof.dev/v1\nkind: AgentFlow\nmetadata: { name: f }\nspec:\n  trigger: { type: Slack, config: { channels: [c], bot_token_env: "${PASTED[3]}" } }\n  agents: [{ name: a }]\n`);
    const config = await loadConfig(path.join(dir, 'daemon.yaml'), { env: {} });
    const text = config.problems.map(formatProblem).join('\n');
    assert.ok(config.problems.length > 0, 'the bad names are reported');
    for (const secret of PASTED) assert.ok(!text.includes(secret), `${secret} in:\n${text}`);
    assert.match(text, /value not shown/);
    assert.throws(() => adminSettings(config.daemon.spec, {}), (error: Error) => !error.message.includes(PASTED[0] ?? '') && /not a variable name; not shown/.test(error.message));
  });

  it('does not quote an environment value repeated by an alias or a merge key, or quoted by a later check', async () => {
    const file = path.join(dir, 'alias.yaml');
    await writeFile(file, [
      'apiVersion: aof.dev/v1', 'kind: AgentFlow', 'metadata: { name: aliased, labels: { tok: &t "${TOKEN}" } }', 'spec:',
      '  agents: [{ name: a1, priority: *t }]',
      '---',
      'apiVersion: aof.dev/v1', 'kind: AgentFlow', 'metadata: { name: chained }', 'spec:',
      '  agents: [{ name: a1 }]',
      '  approval: { rules: [{ pattern: "kubectl delete", chain: "${TOKEN}" }] }', '',
    ].join('\n'));
    const loaded = await loadResourceFiles([file], { env: { TOKEN: FROM_ENV } });
    const text = loaded.problems.map(formatProblem).join('\n');
    assert.match(text, /spec\.agents\[0\]\.priority/);
    assert.match(text, /no approval chain named/);
    assert.ok(!text.includes(FROM_ENV), text);
  });
});
