import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { FlowRouter } from '../../core/router/flow-router.js';
import { makeFlows, makeMessage, makeRouting, weightedEntry } from './flow-fixtures.js';
import { randomFlows, randomMessage, seededRandom } from './random-flows.js';

/** Seed Pattern 5: two organizations' flows, each with its own credentials, and one app-level flow. */
const orgFlows = makeFlows([
  { name: 'org-a-flow', type: 'Slack', events: ['app_mention'] },
  { name: 'org-b-flow', type: 'Slack', patterns: ['deploy'] },
  { name: 'app-flow', type: 'Slack', channels: ['general'] },
]);

describe('a message limited to named flows (InboundMessage.flows)', () => {
  it('reaches only those flows, even when another would score higher', async () => {
    const router = new FlowRouter(orgFlows, makeRouting({ default_agent: 'fallback' }), [await weightedEntry()]);
    const message = makeMessage({ text: 'deploy web' });
    assert.equal(router.routeBest(message).flow?.flow.metadata.name, 'app-flow', 'unlimited, the channel filter wins');
    assert.equal(router.routeBest({ ...message, flows: ['org-a-flow'] }).flow?.flow.metadata.name, 'org-a-flow');
    assert.equal(router.routeBest({ ...message, flows: ['org-b-flow'] }).flow?.flow.metadata.name, 'org-b-flow');
    assert.equal(router.routeBest({ ...message, flows: ['org-a-flow', 'org-b-flow'] }).flow?.flow.metadata.name, 'org-b-flow');
  });

  it('is unmatched like any message when none of them is a candidate: the default agent, or a drop in strict mode', async () => {
    const scorers = [await weightedEntry()];
    const message = { ...makeMessage({ text: 'status', event: 'message' }), flows: ['org-a-flow'] };
    const lenient = new FlowRouter(orgFlows, makeRouting({ default_agent: 'fallback' }), scorers).routeBest(message);
    assert.deepEqual([lenient.flow, lenient.agent, lenient.fallback, lenient.dropped], [null, 'fallback', true, false]);
    const strict = new FlowRouter(orgFlows, makeRouting({ default_agent: 'fallback', strict_mode: true }), scorers).routeBest(message);
    assert.deepEqual([strict.flow, strict.agent, strict.fallback, strict.dropped], [null, null, false, true]);
    const nowhere = new FlowRouter(orgFlows, makeRouting(), scorers).routeBest({ ...makeMessage(), flows: [] });
    assert.equal(nowhere.flow, null, 'an empty list reaches no flow');
  });

  it('explains every other flow as excluded by `flows`', async () => {
    const router = new FlowRouter(orgFlows, makeRouting(), [await weightedEntry()]);
    const decision = router.routeBest({ ...makeMessage({ text: 'deploy web' }), flows: ['org-a-flow'] }, { explain: true });
    assert.deepEqual(decision.candidates, [
      { flow: 'org-a-flow', score: 50, matched: ['platform', 'event', 'catch_all'], excluded_by: null },
      { flow: 'org-b-flow', score: null, matched: [], excluded_by: 'flows' },
      { flow: 'app-flow', score: null, matched: [], excluded_by: 'flows' },
    ]);
  });
});

test('limited messages: the fast path (direct and through the index) agrees with the explain path', async () => {
  const random = seededRandom(0x5a7);
  const scorers = [await weightedEntry()];
  for (let round = 0; round < 15; round++) {
    const flows = makeFlows(randomFlows(random, 10 + Math.floor(random() * 150)));
    const names = flows.map((flow) => flow.flow.metadata.name);
    const router = new FlowRouter(flows, makeRouting({ default_agent: 'fallback' }), scorers);
    for (let i = 0; i < 80; i++) {
      // Small lists take the direct scan, large ones the index with the `flows` filter.
      const share = i % 2 === 0 ? 0.05 : 0.8;
      const allowed = names.filter(() => random() < share);
      const message = { ...makeMessage(randomMessage(random)), flows: allowed };
      const fast = router.routeBest(message);
      const { candidates, ...explained } = router.routeBest(message, { explain: true });
      const context = `round ${round} message ${i}: ${JSON.stringify(message)}`;
      assert.deepEqual(fast, explained, context);
      if (fast.flow) assert.ok(allowed.includes(fast.flow.flow.metadata.name), context);
      for (const candidate of candidates ?? []) {
        if (!allowed.includes(candidate.flow)) assert.ok(candidate.excluded_by === 'flows' || candidate.excluded_by === 'inactive', context);
      }
    }
  }
});
