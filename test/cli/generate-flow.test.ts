import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { formatProblem, loadResourceFiles } from '../../core/config/load-config.js';
import { aofctl } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';

describe('aofctl generate flow', () => {
  it('writes a valid AgentFlow for an agent, with the given filters', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aof-generate-'));
    const output = path.join(dir, 'flows', 'prod', 'k8s-flow.yaml');
    const run = await aofctl(['generate', 'flow', '--from-agent', path.join(repoRoot, 'agents/k8s-ops.yaml'), '--output', output,
      '--platform', 'slack', '--channel', 'production', '--channel', 'prod-alerts', '--pattern', '(?i)kubectl', '--namespace', 'default']);
    assert.equal(run.code, 0, run.stderr);
    const flow = parse(await readFile(output, 'utf8')) as Record<string, any>;
    assert.equal(flow.kind, 'AgentFlow');
    assert.equal(flow.metadata.name, 'k8s-ops-flow');
    assert.equal(flow.spec.trigger.type, 'Slack');
    assert.deepEqual(flow.spec.trigger.config.channels, ['production', 'prod-alerts']);
    assert.deepEqual(flow.spec.agents, [{ name: 'k8s-ops' }]);

    const check = await aofctl(['validate', path.join(repoRoot, 'agents/k8s-ops.yaml'), output]);
    assert.equal(check.code, 0, check.stdout);
  });

  it('refuses to overwrite without --force and overwrites with it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aof-generate-'));
    const output = path.join(dir, 'flow.yaml');
    await writeFile(output, 'keep me\n');
    const agent = path.join(repoRoot, 'agents/dev-assistant.yaml');
    const refused = await aofctl(['generate', 'flow', '--from-agent', agent, '--output', output]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /exists; pass --force/);
    assert.equal(await readFile(output, 'utf8'), 'keep me\n');

    const forced = await aofctl(['generate', 'flow', '--from-agent', agent, '--output', output, '--force', '--name', 'dev-flow']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(await readFile(output, 'utf8'), /name: dev-flow/);
  });

  it('refuses a file that is not a single valid agent and writes nothing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aof-generate-'));
    const output = path.join(dir, 'out.yaml');
    const run = await aofctl(['generate', 'flow', '--from-agent', path.join(repoRoot, 'agents/enterprise.yaml'), '--output', output]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /exactly one Agent \(found 3\)/);
    await assert.rejects(readFile(output, 'utf8'), { code: 'ENOENT' });
  });

  it('writes values holding ${ so that they load as given', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aof-generate-'));
    const output = path.join(dir, 'flow.yaml');
    const agent = path.join(repoRoot, 'agents/k8s-ops.yaml');
    const run = await aofctl(['generate', 'flow', '--from-agent', agent, '--output', output,
      '--pattern', 'x${HOME}y', '--pattern', 'a$${b', '--channel', '${NOPE_UNSET}', '--namespace', 'ns-${NOPE_UNSET:-x}']);
    assert.equal(run.code, 0, run.stderr);
    const loaded = await loadResourceFiles([agent, output], { env: { HOME: '/home/operator', NOPE_UNSET: 'set-after-all' } });
    assert.deepEqual(loaded.problems.filter((p) => p.severity === 'error').map(formatProblem), []);
    const spec = loaded.flows[0]?.flow.spec;
    assert.deepEqual(spec?.trigger?.config?.patterns, ['x${HOME}y', 'a$${b']);
    assert.deepEqual(spec?.trigger?.config?.channels, ['${NOPE_UNSET}']);
    assert.equal(spec?.context?.namespace, 'ns-${NOPE_UNSET:-x}');
  });

  it('points an error in the flow it generated at the output file, and writes nothing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aof-generate-'));
    const output = path.join(dir, 'flow.yaml');
    const run = await aofctl(['generate', 'flow', '--from-agent', path.join(repoRoot, 'agents/k8s-ops.yaml'), '--output', output, '--pattern', '(unclosed']);
    assert.equal(run.code, 1);
    assert.ok(run.stderr.startsWith(`${output}:`), run.stderr);
    assert.match(run.stderr, /^\S+:\d+:\d+: error AOF_ERR_PATTERN_INVALID at spec\.trigger\.config\.patterns\[0\]: pattern "\(unclosed" does not compile/);
    assert.doesNotMatch(run.stderr, /aofctl-/);
    await assert.rejects(readFile(output, 'utf8'), { code: 'ENOENT' });
  });

  it('rejects an unknown platform', async () => {
    const run = await aofctl(['generate', 'flow', '--from-agent', path.join(repoRoot, 'agents/k8s-ops.yaml'), '--output', '/tmp/x.yaml', '--platform', 'irc']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--platform must be one of/);
  });
});
