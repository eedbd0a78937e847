import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlowRouter } from '../../core/router/flow-router.js';
import { makeFlows, makeMessage, makeRouting, weightedEntry } from './flow-fixtures.js';

// A safety property, not a benchmark: a backtracking engine takes exponential time here.
test('a catastrophic-backtracking pattern routes a hostile message in linear time', async () => {
  const router = new FlowRouter(makeFlows([
    { name: 'evil', patterns: ['(a+)+$'], agents: [{ name: 'evil-agent', patterns: ['(a|aa)+$'] }] },
    { name: 'catch-all' },
  ]), makeRouting(), [await weightedEntry()]);
  const message = makeMessage({ text: `${'a'.repeat(100_000)}!` });
  for (const explain of [false, true]) {
    const started = performance.now();
    const decision = router.routeBest(message, { explain });
    const elapsed = performance.now() - started;
    assert.equal(decision.flow?.flow.metadata.name, 'catch-all');
    assert.ok(elapsed < 100, `routing took ${elapsed.toFixed(1)} ms`);
  }
});
