import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatProblem, loadConfig, loadResourceFiles, type ConfigProblem } from '../../core/config/load-config.js';
import { errorsOf, locate, problemAt } from './support.js';

/** `path @line: message`, to compare a whole list of problems at once. */
const said = (p: ConfigProblem): string => `${p.path} @${p.line}: ${p.message}`;

describe('empty values', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aof-empty-values-'));
    await mkdir(path.join(dir, 'agents'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('are errors where the daemon config expects a number, boolean or string, not 0, false or ""', async () => {
    const file = path.join(dir, 'daemon.yaml');
    await writeFile(file, [
      'apiVersion: aof.dev/v1',
      'kind: DaemonConfig',
      'spec:',
      '  server:',
      '    port:',
      '    timeout_secs: "${TIMEOUT}"',
      '  flows: { enabled: }',
      '  runtime:',
      '    max_concurrent_tasks:',
      '  platforms:',
      '    telegram: { enabled: false, webhook_secret: null }',
      '  plugins:',
      '    -',
      '',
    ].join('\n'));
    const config = await loadConfig(file, { env: { TIMEOUT: '45' } });
    const line = (needle: string): number => locate(file, needle).line;
    assert.deepEqual(errorsOf(config.problems).map(said), [
      `spec.server.port @${line('port:')}: expected an integer, got an empty value`,
      `spec.flows.enabled @${line('enabled: }')}: expected a boolean, got an empty value`,
      `spec.runtime.max_concurrent_tasks @${line('max_concurrent_tasks:')}: expected an integer, got an empty value`,
      `spec.plugins[0] @${line('    -')}: expected a string or a map, got an empty value`,
    ]);
    const port = problemAt(config.problems, file, 'spec.server.port');
    assert.equal(formatProblem(port), `${file}:${port.line}:${port.column}: error AOF_ERR_CONFIG_INVALID at spec.server.port: expected an integer, got an empty value`);
    assert.equal(config.daemon.spec.server.port, null, 'not coerced to 0, a random port');
    // A string from a variable is still read as the number it spells; an open platform block keeps its null.
    assert.equal(config.daemon.spec.server.timeout_secs, 45);
    assert.equal(config.daemon.spec.platforms.telegram?.webhook_secret, null);
  });

  it('are errors in flows and agents too, and keep the document from loading', async () => {
    const file = path.join(dir, 'resources.yaml');
    await writeFile(file, [
      'apiVersion: aof.dev/v1',
      'kind: Agent',
      'metadata: { name: blank-tool }',
      'spec:',
      '  model: command',
      '  max_iterations: "5"',
      '  tools:',
      '    - kubectl',
      '    -',
      '---',
      'apiVersion: aof.dev/v1',
      'kind: AgentFlow',
      'metadata: { name: blank-env }',
      'spec:',
      '  trigger: { type: Local, config: { channels: [ops], team_id: } }',
      '  context:',
      '    env:',
      '      DEBUG:',
      '  agents: [{ name: blank-tool }]',
      '',
    ].join('\n'));
    const loaded = await loadResourceFiles([file], { env: {} });
    assert.deepEqual(errorsOf(loaded.problems).map(said), [
      `spec.tools[1] @${locate(file, '    -', 2).line}: expected a string, got an empty value`,
      `spec.context.env.DEBUG @${locate(file, 'DEBUG:').line}: expected a string, got an empty value`,
    ]);
    assert.deepEqual([loaded.agents, loaded.flows], [[], []]);
  });
});
