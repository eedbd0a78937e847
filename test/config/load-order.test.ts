import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatProblem, loadConfig } from '../../core/config/load-config.js';
import { configFixtures } from './support.js';

const dir = path.join(configFixtures, 'order');

describe('load order', () => {
  it('loads sorted paths, recursively, documents in file order, kinds by `kind` whatever the directory', async () => {
    const config = await loadConfig(path.join(dir, 'daemon.yaml'), { env: {} });
    assert.deepEqual(config.problems.map(formatProblem), []);
    assert.deepEqual(config.flows.map((f) => [f.index, f.flow.metadata.name, path.relative(dir, f.source.file), f.source.document]), [
      [0, 'z-from-agents-dir', 'agents/flow-in-agents-dir.yaml', 0],
      [1, 'a-top', 'flows/a.yaml', 0],
      [2, 'a-nested', 'flows/a/nested.yaml', 0],
      [3, 'b-first', 'flows/b.yaml', 0],
      [4, 'b-second', 'flows/b.yaml', 2],
      [5, 'deep', 'flows/c/d/deep.yml', 0],
    ]);
    assert.deepEqual(config.agents.map((a) => [a.agent.metadata.name, path.relative(dir, a.source.file)]), [
      ['helper', 'agents/agents.yaml'],
      ['ops', 'agents/agents.yaml'],
      ['late-agent', 'flows/c/agent-in-flows-dir.yaml'],
    ]);
    const second = config.flows[4];
    assert.deepEqual([second?.source.line, second?.source.column], [13, 1]);
  });

  it('gives the same order on every load', async () => {
    const names = async () => (await loadConfig(path.join(dir, 'daemon.yaml'), { env: {} })).flows.map((f) => f.flow.metadata.name);
    assert.deepEqual(await names(), await names());
  });

  it('reads only the top of the flows directory when recursive is false', async () => {
    const config = await loadConfig(path.join(dir, 'flat.yaml'), { env: {} });
    assert.deepEqual(config.flows.map((f) => f.flow.metadata.name), ['z-from-agents-dir', 'a-top', 'b-first', 'b-second']);
    assert.deepEqual(config.problems.map(formatProblem), []);
  });

  it('takes the flows and agents directories from the options when given', async () => {
    const config = await loadConfig(path.join(dir, 'flat.yaml'), {
      env: {},
      flowsDir: path.join(dir, 'flows', 'c'),
      agentsDir: path.join(dir, 'agents'),
    });
    assert.deepEqual(config.flows.map((f) => f.flow.metadata.name), ['z-from-agents-dir']);
    assert.deepEqual(config.agents.map((a) => a.agent.metadata.name), ['helper', 'ops', 'late-agent']);
  });

  it('fills system_prompt from its alias instructions', async () => {
    const config = await loadConfig(path.join(dir, 'daemon.yaml'), { env: {} });
    const ops = config.agents.find((a) => a.agent.metadata.name === 'ops')?.agent.spec;
    assert.equal(ops?.system_prompt, 'You operate the cluster.');
    assert.equal(ops?.max_iterations, 10);
  });
});
