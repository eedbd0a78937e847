import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, loadResourceFiles } from '../../core/config/load-config.js';
import { MAX_CONFIG_FILE_BYTES } from '../../core/config/yaml-documents.js';
import { configFixtures, errorsOf, locate } from './support.js';

const k8sOps = path.join(configFixtures, 'semantic', 'agents', 'k8s-ops.yaml');

describe('YAML files: duplicate keys and size', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aof-yaml-limits-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a repeated key at the repeat, in block and flow maps, and leaves that document out', async () => {
    const file = path.join(dir, 'duplicates.yaml');
    await writeFile(file, [
      'apiVersion: aof.dev/v1',
      'kind: Agent',
      'metadata: { name: twice, name: again }',
      'spec:',
      '  model: command',
      '  max_iterations: 3',
      '  max_iterations: 4',
      '---',
      'apiVersion: aof.dev/v1',
      'kind: Agent',
      'metadata: { name: unique-keys }',
      'spec: { model: command }',
      '',
    ].join('\n'));
    const loaded = await loadResourceFiles([file], { env: {} });
    const where = (needle: string, occurrence = 1): string => {
      const at = locate(file, needle, occurrence);
      return `${at.line}:${at.column}`;
    };
    assert.deepEqual(errorsOf(loaded.problems).map((p) => `${p.code} ${p.line}:${p.column} ${p.message}`).sort(), [
      `AOF_ERR_CONFIG_PARSE ${where('name: again')} YAML: Map keys must be unique`,
      `AOF_ERR_CONFIG_PARSE ${where('max_iterations', 2)} YAML: Map keys must be unique`,
    ].sort());
    assert.deepEqual(loaded.agents.map((a) => a.agent.metadata.name), ['unique-keys']);
  });

  it('parses a map of 40,000 keys without a quadratic duplicate-key check', async () => {
    // 0.9 MB: about 0.7 s through the whole loader; with yaml's own uniqueKeys check, 9 s (19.5 s in the audit).
    const file = path.join(dir, 'many-keys.yaml');
    const labels = Array.from({ length: 40_000 }, (_, i) => `    label-${i}: value-${i}`);
    await writeFile(file, ['apiVersion: aof.dev/v1', 'kind: Agent', 'metadata:', '  name: many-labels', '  labels:', ...labels, 'spec: { model: command }', ''].join('\n'));
    const loaded = await loadResourceFiles([file], { env: {} });
    assert.deepEqual(loaded.problems, []);
    assert.equal(Object.keys(loaded.agents[0]?.agent.metadata.labels ?? {}).length, 40_000);
  });

  it('refuses a file over the size limit before parsing it, naming its size and the limit', async () => {
    const file = path.join(dir, 'huge.yaml');
    const filler = `# ${'x'.repeat(1022)}\n`.repeat(MAX_CONFIG_FILE_BYTES / 1024);
    await writeFile(file, `${await readFile(k8sOps, 'utf8')}${filler}`);
    const loaded = await loadResourceFiles([file], { env: {} });
    assert.deepEqual(loaded.problems.map((p) => [p.severity, p.code, p.file, p.line]), [['error', 'AOF_ERR_CONFIG_PARSE', file, undefined]]);
    assert.match(loaded.problems[0]?.message ?? '', /^file is 4\.0 MiB \(\d+ bytes\), over the 4 MiB limit for a configuration file; not parsed$/);
    assert.deepEqual(loaded.agents, []);

    const daemon = path.join(dir, 'daemon.yaml');
    await writeFile(daemon, `apiVersion: aof.dev/v1\nkind: DaemonConfig\nspec: {}\n${filler}`);
    const config = await loadConfig(daemon, { env: {} });
    assert.deepEqual(errorsOf(config.problems).filter((p) => p.file === daemon).map((p) => p.message.replace(/\d+ bytes/, 'N bytes')), [
      'file is 4.0 MiB (N bytes), over the 4 MiB limit for a configuration file; not parsed',
    ]);
  });
});
