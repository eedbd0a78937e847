import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FlowRouter, type ScorerEntry, selectAgent } from '../../core/router/flow-router.js';
import { labelBoostEntry, makeFlows, makeMessage, makeRouting, type RoutingSpec, unboundedEntry, weightedEntry } from './flow-fixtures.js';
import { randomFlows, randomMessage, seededRandom } from './random-flows.js';

const priority = (labels: Record<string, string> | undefined): number => Number(labels?.['priority'] ?? 0);

const chains: Array<{ name: string; routing?: RoutingSpec; scorers: () => Promise<ScorerEntry[]> }> = [
  { name: 'weighted', scorers: async () => [await weightedEntry()] },
  { name: 'weighted with other weights', routing: { weights: { channel: 30, user: 90, pattern: 45, platform: 45, catch_all: 0 } },
    scorers: async () => [await weightedEntry()] },
  { name: 'weighted + label boost', scorers: async () => [await weightedEntry(), await labelBoostEntry({ label: 'tier', value: 'enterprise', boost: 25 })] },
  { name: 'weighted + negative label boost', scorers: async () => [await weightedEntry(), await labelBoostEntry({ label: 'tier', value: 'standard', boost: -70 })] },
  { name: 'weighted + an adjuster without upperBound',
    scorers: async () => [await weightedEntry(), unboundedEntry('jitter', ({ flow, score }) => score + (flow.index % 3) * 20)] },
  { name: 'a bounded replace scorer', scorers: async () => [await weightedEntry(), {
    name: 'priority', mode: 'replace',
    scorer: { score: ({ flow }) => priority(flow.flow.metadata.labels), upperBound: (flow) => priority(flow.flow.metadata.labels) },
  }] },
];

describe('the fast path and the explain path agree', () => {
  for (const chain of chains) {
    test(chain.name, async () => {
      const random = seededRandom(0xa0f);
      const scorers = await chain.scorers();
      for (let round = 0; round < 25; round++) {
        const flows = makeFlows(randomFlows(random, 10 + Math.floor(random() * 150)));
        const router = new FlowRouter(flows, makeRouting({ ...chain.routing, default_agent: 'fallback' }), scorers);
        for (let i = 0; i < 120; i++) {
          const message = makeMessage(randomMessage(random));
          const fast = router.routeBest(message);
          const { candidates, ...explained } = router.routeBest(message, { explain: true });
          const context = `round ${round} message ${i}: ${JSON.stringify(message)}`;
          assert.deepEqual(fast, explained, context);
          if (fast.flow) assert.equal(fast.agent, selectAgent(fast.flow.flow, fast.text), context);
          // The explained winner is the best candidate: highest score, then lowest load index.
          const scored = (candidates ?? []).flatMap((c, index) => (c.score === null ? [] : [{ ...c, index, score: c.score }]));
          scored.sort((a, b) => b.score - a.score || a.index - b.index);
          assert.equal(explained.flow?.flow.metadata.name ?? null, scored[0]?.flow ?? null, context);
        }
      }
    });
  }
});
