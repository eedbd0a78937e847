import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { selectAgent, stripLeadingMention } from '../../core/router/flow-router.js';
import { makeFlow } from './flow-fixtures.js';

describe('stripLeadingMention', () => {
  const cases: Array<[string, string]> = [
    ['<@U123> kubectl get pods', 'kubectl get pods'],
    ['<@!123>\t\n kubectl get pods', 'kubectl get pods'],
    ['<@U123|aof> kubectl', 'kubectl'],
    ['  <@W123> kubectl', 'kubectl'],
    ['<@U123>kubectl', 'kubectl'],
    ['kubectl <@U123>', 'kubectl <@U123>'],
    ['<@U1> <@U2> hi', '<@U2> hi'],
    ['<#C123|general> hi', '<#C123|general> hi'],
    ['<@&role> hi', '<@&role> hi'],
    ['  indented', '  indented'],
    ['', ''],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.equal(stripLeadingMention(input), expected));
  }

  test('hostile input stays linear', () => {
    const started = performance.now();
    stripLeadingMention(`<@${'U'.repeat(200_000)}|${'x'.repeat(200_000)}`);
    assert.ok(performance.now() - started < 100);
  });
});

describe('selectAgent', () => {
  const flow = makeFlow({
    name: 'ops',
    agents: [{ name: 'k8s', patterns: ['^kubectl', 'k8s'] }, { name: 'incident', patterns: ['(?i)incident'] }, { name: 'general' }, { name: 'spare' }],
  }, 0).flow;

  test('first agent whose patterns match', () => assert.equal(selectAgent(flow, 'Incident on k8s'), 'k8s'));
  test('a later agent when only its patterns match', () => assert.equal(selectAgent(flow, 'INCIDENT'), 'incident'));
  test('first agent without patterns otherwise', () => assert.equal(selectAgent(flow, 'hello'), 'general'));
  test('first agent when every agent has patterns', () => {
    const patterned = makeFlow({ name: 'p', agents: [{ name: 'a', patterns: ['x'] }, { name: 'b', patterns: ['y'] }] }, 0).flow;
    assert.equal(selectAgent(patterned, 'zzz'), 'a');
  });
  test('an empty patterns list counts as none', () => {
    const emptied = makeFlow({ name: 'p', agents: [{ name: 'a', patterns: ['x'] }, { name: 'b', patterns: [] }] }, 0).flow;
    assert.equal(selectAgent(emptied, 'zzz'), 'b');
  });
  test('a flow without agents has none', () => {
    assert.equal(selectAgent(makeFlow({ name: 'p', agents: [] }, 0).flow, 'zzz'), null);
  });
});
