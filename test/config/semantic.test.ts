import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { loadConfig, type LoadedConfig } from '../../core/config/load-config.js';
import { configFixtures, errorsOf, locate, problemAt, warningsOf } from './support.js';

const dir = path.join(configFixtures, 'semantic');
const file = (...parts: string[]): string => path.join(dir, ...parts);

describe('checks across documents', () => {
  let config: LoadedConfig;
  before(async () => {
    config = await loadConfig(file('daemon.yaml'), { env: {} });
  });

  it('rejects the second of two flows with one name, naming both files', () => {
    const error = problemAt(config.problems, file('flows', 'dup-b.yaml'), 'metadata.name');
    assert.equal(error.code, 'AOF_ERR_CONFIG_DUPLICATE');
    assert.equal(error.message, `flow dup-flow is already defined in ${file('flows', 'dup-a.yaml')} (document 1); this one is ignored`);
    assert.equal(error.line, locate(file('flows', 'dup-b.yaml'), 'name: dup-flow').line);
    const kept = config.flows.filter((f) => f.flow.metadata.name === 'dup-flow');
    assert.deepEqual(kept.map((f) => f.source.file), [file('flows', 'dup-a.yaml')]);
  });

  it('rejects the second of two agents with one name', () => {
    const error = problemAt(config.problems, file('agents', 'twin2.yaml'), 'metadata.name');
    assert.equal(error.code, 'AOF_ERR_CONFIG_DUPLICATE');
    assert.match(error.message, /^agent twin is already defined in .*agents\/twin\.yaml/);
    assert.deepEqual(config.agents.map((a) => a.source.file), [file('agents', 'k8s-ops.yaml'), file('agents', 'twin.yaml')]);
  });

  it('leaves out a flow naming an agent that does not exist, listing the known agents', () => {
    const target = file('flows', 'unknown-agent.yaml');
    const error = problemAt(config.problems, target, 'spec.agents[1].name');
    assert.equal(error.code, 'AOF_ERR_CONFIG_UNKNOWN_AGENT');
    assert.equal(error.message, 'flow ghost-flow names agent "ghost", which does not exist (known agents: k8s-ops, twin)');
    assert.equal(error.line, locate(target, '- name: ghost').line);
    assert.equal(config.flows.some((f) => f.flow.metadata.name === 'ghost-flow'), false);
  });

  it('reports a default agent that does not exist', () => {
    const error = problemAt(config.problems, file('daemon.yaml'), 'spec.routing.default_agent');
    assert.equal(error.code, 'AOF_ERR_CONFIG_UNKNOWN_AGENT');
    assert.equal(error.line, locate(file('daemon.yaml'), 'missing-default').line);
  });

  it('reports each pattern that does not compile at its own line, and leaves the flow out', () => {
    const target = file('flows', 'bad-patterns.yaml');
    const at = (p: string) => problemAt(config.problems, target, p);
    assert.equal(at('spec.trigger.config.patterns[1]').line, locate(target, '(unclosed').line);
    assert.equal(at('spec.trigger.config.patterns[1]').column, locate(target, '"(unclosed"').column);
    assert.match(at('spec.trigger.config.patterns[1]').message, /missing closing \)/);
    assert.equal(at('spec.agents[0].patterns[0]').line, locate(target, '[a-').line);
    assert.equal(at('spec.approval.rules[0].pattern').line, locate(target, 'kubectl**').line);
    for (const p of ['spec.trigger.config.patterns[1]', 'spec.agents[0].patterns[0]', 'spec.approval.rules[0].pattern']) {
      assert.equal(at(p).code, 'AOF_ERR_PATTERN_INVALID');
    }
    assert.equal(config.problems.some((p) => p.path === 'spec.trigger.config.patterns[0]'), false);
    assert.equal(config.flows.some((f) => f.flow.metadata.name === 'bad-patterns'), false);
  });

  it('checks approval chains: enough distinct approvers, rules naming existing chains', () => {
    const target = file('flows', 'approval.yaml');
    assert.equal(problemAt(config.problems, target, 'spec.approval.chains[0].require').message, 'require 2 approvals but the chain has 1 distinct approver(s)');
    assert.equal(problemAt(config.problems, target, 'spec.approval.rules[0].chain').message, 'no approval chain named "standard" (known chains: critical)');
    assert.equal(config.flows.some((f) => f.flow.metadata.name === 'approval-checks'), false);
  });

  it('warns when one channel is served by flows of different environments on a shared platform', () => {
    const target = file('flows', 'environments', 'staging.yaml');
    const mixed = warningsOf(config.problems).filter((p) => p.message.includes('never mix environments'));
    assert.equal(mixed.length, 1);
    const warning = problemAt(mixed, target, 'spec.trigger.config.channels[1]');
    assert.equal(warning.line, locate(target, '"#Production"').line);
    assert.match(warning.message, /^channel "#Production" is also served by flow prod-flow \(environment production, .*prod\.yaml\); this flow is environment staging/);
    // Warnings do not exclude: both flows load.
    assert.ok(['prod-flow', 'staging-flow', 'staging-telegram-flow'].every((name) => config.flows.some((f) => f.flow.metadata.name === name)));
  });

  it('has exactly the errors above and numbers the flows that loaded in order', () => {
    assert.equal(errorsOf(config.problems).length, 9);
    assert.deepEqual(config.flows.map((f) => [f.index, f.flow.metadata.name]), [
      [0, 'dup-flow'], [1, 'prod-flow'], [2, 'staging-telegram-flow'], [3, 'staging-flow'],
    ]);
  });
});
