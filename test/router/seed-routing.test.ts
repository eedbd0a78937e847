import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FlowRouter } from '../../core/router/flow-router.js';
import { labelBoostEntry, makeMessage, makeRouting, type MessageSpec, weightedEntry } from './flow-fixtures.js';
import { seedFlows } from './seed-flows.js';

interface SeedCase {
  name: string;
  message: MessageSpec;
  flow: string | null;
  agent: string | null;
  score?: number;
}

const production: MessageSpec = { channelId: 'C0PROD', channelName: 'production' };
const random: MessageSpec = { channelId: 'C0RANDOM', channelName: 'random' };

const cases: SeedCase[] = [
  { name: 'kubectl in #production goes to the prod cluster flow and its k8s agent', message: { ...production, text: 'kubectl get pods -n api' },
    flow: 'prod-k8s-flow', agent: 'k8s-ops', score: 140 },
  { name: 'an incident in #production stays in the prod flow, with its incident agent', message: { ...production, text: 'incident: api outage' },
    flow: 'prod-k8s-flow', agent: 'incident-responder', score: 140 },
  { name: 'a plain message event in #prod-alerts reaches the prod flow', message: { channelId: 'C0ALERTS', channelName: 'prod-alerts', event: 'message', text: 'pod restarts' },
    flow: 'prod-k8s-flow', agent: 'k8s-ops' },
  { name: '#staging goes to the staging flow', message: { channelId: 'C0STAGE', channelName: 'staging', text: 'deploy api' },
    flow: 'staging-dev-flow', agent: 'dev-assistant', score: 140 },
  { name: 'an incident elsewhere goes to the incident pattern flow', message: { ...random, text: 'incident: checkout is down' },
    flow: 'incident-flow', agent: 'incident-responder', score: 100 },
  { name: 'a PagerDuty page goes to the incident flow', message: { ...random, text: 'PagerDuty fired for db-1' },
    flow: 'incident-flow', agent: 'incident-responder' },
  { name: 'an admin outside the prod channels goes to the admin flow', message: { ...random, userId: 'U015ADMIN', text: 'helm list' },
    flow: 'admin-only-flow', agent: 'admin-agent', score: 120 },
  { name: 'an admin in #production still gets the prod flow: channel outranks user', message: { ...production, userId: 'U016ADMIN', text: 'kubectl get pods' },
    flow: 'prod-k8s-flow', agent: 'k8s-ops' },
  { name: 'an admin reporting an incident gets the admin flow: user outranks pattern', message: { ...random, userId: 'U017ADMIN', text: 'incident: db' },
    flow: 'admin-only-flow', agent: 'admin-agent' },
  { name: 'anyone else on Slack gets the developer flow, the first-loaded catch-all', message: { ...random, text: 'how do I read logs?' },
    flow: 'developer-flow', agent: 'dev-assistant', score: 50 },
  { name: 'Telegram gets the shared Telegram assistant', message: { platform: 'telegram', channelId: '-100123', channelName: 'ops', event: null },
    flow: 'shared-assistant-telegram', agent: 'general-assistant', score: 50 },
  { name: 'Discord gets the shared Discord assistant', message: { platform: 'discord', channelId: '998877', channelName: 'ops', event: 'MESSAGE_CREATE' },
    flow: 'shared-assistant-discord', agent: 'general-assistant' },
  { name: 'a non-mention message in an unlisted channel falls back to the default agent', message: { ...random, event: 'message' },
    flow: null, agent: 'general-assistant' },
];

describe('the seed document\'s flows', () => {
  const flows = seedFlows();
  const routing = makeRouting({ default_agent: 'general-assistant' });

  test('all examples load', () => {
    assert.deepEqual(flows.map((loaded) => loaded.flow.metadata.name).sort(), [
      'admin-only-flow', 'developer-flow', 'incident-flow', 'org-a-flow', 'prod-k8s-flow',
      'shared-assistant-discord', 'shared-assistant-slack', 'shared-assistant-telegram', 'staging-dev-flow',
    ]);
  });

  for (const c of cases) {
    test(c.name, async () => {
      const router = new FlowRouter(flows, routing, [await weightedEntry()]);
      for (const explain of [false, true]) {
        const decision = router.routeBest(makeMessage(c.message), { explain });
        assert.equal(decision.flow?.flow.metadata.name ?? null, c.flow);
        assert.equal(decision.agent, c.agent);
        assert.equal(decision.fallback, c.flow === null);
        if (c.score !== undefined) assert.equal(decision.score, c.score);
      }
    });
  }

  test('scorer-label-boost prefers the enterprise tier among the catch-alls', async () => {
    const router = new FlowRouter(flows, routing, [await weightedEntry(), await labelBoostEntry({ label: 'tier', value: 'enterprise', boost: 5 })]);
    const decision = router.routeBest(makeMessage({ ...random, text: 'how do I read logs?' }));
    assert.equal(decision.flow?.flow.metadata.name, 'org-a-flow');
    assert.equal(decision.agent, 'org-a-assistant');
    assert.equal(decision.score, 55);
  });
});
