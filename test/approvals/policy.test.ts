/**
 * The sandbox's approval decision on its own: which calls need approval however they are
 * written, which chain a rule picks, and what the classifier calls each command.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyCommand } from '../../sandbox/approval-classifier.js';
import { normalizeCall } from '../../sandbox/approval-command.js';
import { approvalNeed, loadPatternEngine } from '../../sandbox/approval-policy.js';
import type { ToolCall } from '@aof/api';
import type { TaskApprovalPolicy } from '../../sandbox/protocol.js';

// The sandbox loads the RE2 engine on first need (tool-runner); these call approvalNeed directly.
await loadPatternEngine();

const prod: TaskApprovalPolicy = {
  requireFor: ['kubectl delete', 'kubectl scale --replicas=0', 'helm uninstall'],
  rules: [],
  classify: false,
};
const chains: TaskApprovalPolicy = {
  requireFor: [],
  rules: [{ pattern: 'kubectl delete namespace', chain: 'critical' }, { pattern: 'kubectl delete', chain: 'standard' }],
  classify: false,
};

const kubectl = (...args: string[]): ToolCall => ({ id: 'c', name: 'kubectl', arguments: { args } });
const helm = (...args: string[]): ToolCall => ({ id: 'c', name: 'helm', arguments: { args } });
const shell = (...argv: string[]): ToolCall => ({ id: 'c', name: 'shell', arguments: { argv } });
const needs = (call: ToolCall, policy: TaskApprovalPolicy): boolean => approvalNeed(call, policy).needed;
const chainOf = (call: ToolCall): string | undefined => {
  const need = approvalNeed(call, chains);
  return need.needed ? need.chain : undefined;
};

describe('require_for on the normalized command', () => {
  const evasions: Array<[string, ToolCall]> = [
    ['plain', kubectl('delete', 'pod', 'x')],
    ['padded and upper-cased words', kubectl(' DELETE ', 'pod', 'x')],
    ['an empty argument first', kubectl('', 'delete', 'pod', 'x')],
    ['-n before the verb', kubectl('-n', 'prod', 'delete', 'pod', 'x')],
    ['-nprod before the verb', kubectl('-nprod', 'delete', 'pod', 'x')],
    ['--namespace=prod before the verb', kubectl('--namespace=prod', 'delete', 'pod', 'x')],
    ['-n after the verb', kubectl('delete', '-n', 'prod', 'pod', 'x')],
    ['a known value flag before the verb', kubectl('--request-timeout', '5s', 'delete', 'pod', 'x')],
    ['an unknown flag that may take a value', kubectl('--made-up', 'value', 'delete', 'pod', 'x')],
    ['an unknown boolean flag', kubectl('--made-up-bool', 'delete', 'pod', 'x')],
    ['an unknown shorthand', kubectl('-Z', 'zz', 'delete', 'pod', 'x')],
    ['combined shorthands', kubectl('-Ain', 'prod', 'delete', 'pod', 'x')],
    ['the shell tool', shell('kubectl', 'delete', 'pod', 'x')],
    ['the shell tool with a path', shell('/usr/local/bin/kubectl', '-n', 'prod', 'delete', 'pod', 'x')],
    ['scale --replicas 0', kubectl('scale', 'deploy', 'web', '--replicas', '0')],
    ['scale --replicas=0 first', kubectl('scale', '--replicas=0', 'deploy/web')],
    ['scale --replicas=00', kubectl('scale', 'deploy', 'web', '--replicas=00')],
    ['scale --replicas=0x0', kubectl('scale', 'deploy', 'web', '--replicas=0x0')],
    ['scale --replicas +0', kubectl('scale', 'deploy', 'web', '--replicas', '+0')],
    ['scale --replicas=0_0', kubectl('scale', 'deploy', 'web', '--replicas=0_0')],
    ['helm uninstall', helm('uninstall', 'web')],
    ['helm del', helm('del', 'web')],
    ['helm un with -n first', helm('-n', 'prod', 'un', 'web')],
    ['helm delete with --kube-context value', helm('--kube-context', 'x', 'delete', 'web')],
  ];
  for (const [what, call] of evasions) {
    it(`asks for approval: ${what}`, () => assert.equal(needs(call, prod), true));
  }

  for (const [what, call] of [
    ['a read', kubectl('get', 'pods')],
    ['a pod named delete', kubectl('describe', 'pod', 'delete')],
    ['scale to three', kubectl('scale', 'deploy', 'web', '--replicas', '3')],
    ['scale without replicas', kubectl('scale', 'deploy', 'web')],
    ['helm list', helm('list', '-A')],
  ] as const) {
    it(`runs without asking: ${what}`, () => assert.equal(needs(call, prod), false));
  }

  it('reads a require_for entry with a regex metacharacter as a case-insensitive RE2 pattern', () => {
    const policy: TaskApprovalPolicy = { requireFor: ['^kubectl (delete|drain) .*PROD'], rules: [], classify: false };
    assert.equal(needs(kubectl('drain', 'node', 'prod-1'), policy), true);
    assert.equal(needs(kubectl('drain', 'node', 'dev-1'), policy), false);
  });

  it('fails closed: a pattern that does not compile, or a command too long to read, needs approval', () => {
    assert.equal(needs(kubectl('get', 'pods'), { requireFor: ['kubectl ('], rules: [], classify: false }), true);
    assert.equal(needs(kubectl('get', ...Array.from({ length: 300 }, (_, i) => `pod-${i}`)), prod), true);
  });

  it('returns the exact argv and the reason with the decision', () => {
    assert.deepEqual(approvalNeed(kubectl('-n', 'prod', 'delete', 'pod', 'x'), prod), {
      needed: true,
      reason: 'require_for "kubectl delete"',
      classification: 'delete',
      command: { tool: 'kubectl', argv: ['-n', 'prod', 'delete', 'pod', 'x'] },
    });
  });
});

describe('rules pick the chain on the normalized command', () => {
  for (const [what, call] of [
    ['namespace', kubectl('delete', 'namespace', 'prod')],
    ['ns', kubectl('delete', 'ns', 'prod')],
    ['namespaces', kubectl('delete', 'namespaces', 'prod')],
    ['Namespace', kubectl('delete', 'Namespace', 'prod')],
    ['ns/prod', kubectl('delete', 'ns/prod')],
    ['pods,ns', kubectl('delete', 'pods,ns', 'x')],
    ['-n between verb and type', kubectl('delete', '-n', 'x', 'namespace', 'prod')],
    ['a boolean flag between verb and type', kubectl('delete', '--wait', 'namespace', 'prod')],
    ['an unknown flag between verb and type', kubectl('delete', '--made-up', 'namespace', 'prod')],
  ] as const) {
    it(`sends kubectl delete ${what} to the critical chain`, () => assert.equal(chainOf(call), 'critical'));
  }

  it('sends other deletes to the standard chain and leaves reads alone', () => {
    assert.equal(chainOf(kubectl('delete', 'pod', 'x')), 'standard');
    assert.equal(chainOf(kubectl('delete', 'deploy/web')), 'standard');
    assert.equal(approvalNeed(kubectl('get', 'namespaces'), chains).needed, false);
  });
});

describe('the destructive-command classifier', () => {
  const classify = (name: string, args: Record<string, unknown>) => classifyCommand(normalizeCall(name, args));
  for (const [args, level] of [
    [['get', 'pods'], 'read'],
    [['-n', 'x', 'logs', 'web'], 'read'],
    [['rollout', 'status', 'deploy/web'], 'read'],
    [['apply', '-f', 'web.yaml'], 'write'],
    [['rollout', 'restart', 'deploy/web'], 'write'],
    [['scale', 'deploy', 'web', '--replicas=2'], 'write'],
    [['frobnicate', 'everything'], 'write'],
    [['delete', 'pod', 'x'], 'delete'],
    [['scale', 'deploy', 'web', '--replicas', '0'], 'delete'],
    [['drain', 'node-1'], 'delete'],
    [['delete', 'ns', 'prod'], 'dangerous'],
    [['delete', 'pods', '--all'], 'dangerous'],
    [['exec', 'web', '--', 'sh'], 'dangerous'],
  ] as const) {
    it(`kubectl ${args.join(' ')} is ${level}`, () => assert.equal(classify('kubectl', { args: [...args] }), level));
  }

  it('knows helm, http and read-only tools; anything unknown is a write', () => {
    assert.equal(classify('helm', { args: ['status', 'web'] }), 'read');
    assert.equal(classify('helm', { args: ['upgrade', 'web', 'chart'] }), 'write');
    assert.equal(classify('helm', { args: ['del', 'web'] }), 'delete');
    assert.equal(classify('helm', { args: ['plugin', 'install', 'x'] }), 'dangerous');
    assert.equal(classify('http', { url: 'https://x.test/' }), 'read');
    assert.equal(classify('http', { method: 'POST', url: 'https://x.test/' }), 'write');
    assert.equal(classify('echo', { args: ['hi'] }), 'read');
    assert.equal(classify('terraform', { args: ['plan'] }), 'write');
  });

  it('drives the decision when the policy says so', () => {
    const policy: TaskApprovalPolicy = { requireFor: [], rules: [], classify: true };
    assert.equal(approvalNeed(kubectl('get', 'pods'), policy).needed, false);
    assert.equal(approvalNeed(kubectl('apply', '-f', 'x.yaml'), policy).needed, true);
    assert.equal(approvalNeed(kubectl('delete', 'pod', 'x'), { requireFor: ['destructive'], rules: [], classify: false }).needed, true);
    assert.equal(approvalNeed(kubectl('delete', 'pod', 'x'), undefined).needed, false);
  });
});
