import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ExcludingFilter, MatchedFilter } from '@aof/api';
import { FlowRouter, type ScorerEntry } from '../../core/router/flow-router.js';
import {
  type FlowSpec, labelBoostEntry, makeFlows, makeMessage, makeRouting, type MessageSpec, type RoutingSpec, unboundedEntry,
  weightedEntry,
} from './flow-fixtures.js';

interface Case {
  name: string;
  flows: FlowSpec[];
  message?: MessageSpec;
  routing?: RoutingSpec;
  /** Defaults to the built-in scorer-weighted alone. */
  scorers?: () => Promise<ScorerEntry[]>;
  expect: {
    flow: string | null;
    agent?: string | null;
    score?: number;
    matched?: MatchedFilter[];
    fallback?: boolean;
    dropped?: boolean;
    text?: string;
    /** Flows the explanation must show as excluded, and by which filter. */
    excluded?: Record<string, ExcludingFilter>;
  };
}

const prodChannel: MessageSpec = { channelId: 'C0PROD', channelName: 'production' };
const slackCatchAll: FlowSpec = { name: 'slack-catch-all', type: 'Slack' };

const priorityLabelScorer = async (): Promise<ScorerEntry[]> => [
  await weightedEntry(),
  {
    name: 'priority-label',
    mode: 'replace',
    scorer: {
      score: ({ flow }) => Number(flow.flow.metadata.labels?.['priority'] ?? 0),
      upperBound: (flow) => Number(flow.flow.metadata.labels?.['priority'] ?? 0),
    },
  },
];

const cases: Case[] = [
  // Each weight alone.
  { name: 'channel filter earns channel + platform weight', flows: [{ name: 'prod', type: 'Slack', channels: ['production'] }], message: prodChannel,
    expect: { flow: 'prod', score: 140, matched: ['platform', 'channel'] } },
  { name: 'channel filter without trigger.type earns no platform weight', flows: [{ name: 'prod', channels: ['production'] }], message: prodChannel,
    expect: { flow: 'prod', score: 100, matched: ['channel'] } },
  { name: 'user filter earns user weight', flows: [{ name: 'admins', type: 'Slack', users: ['U0DEV'] }],
    expect: { flow: 'admins', score: 120, matched: ['platform', 'user'] } },
  { name: 'user filter without trigger.type', flows: [{ name: 'admins', users: ['U0DEV'] }], expect: { flow: 'admins', score: 80, matched: ['user'] } },
  { name: 'pattern filter earns pattern weight', flows: [{ name: 'k8s', type: 'Slack', patterns: ['^kubectl'] }], message: { text: 'kubectl get pods' },
    expect: { flow: 'k8s', score: 100, matched: ['platform', 'pattern'] } },
  { name: 'pattern filter without trigger.type', flows: [{ name: 'k8s', patterns: ['kubectl'] }], message: { text: 'run kubectl get pods' },
    expect: { flow: 'k8s', score: 60, matched: ['pattern'] } },
  { name: 'platform-only flow is a catch-all on its platform', flows: [slackCatchAll], expect: { flow: 'slack-catch-all', score: 50, matched: ['platform', 'catch_all'] } },
  { name: 'flow without any filter is a catch-all worth 10', flows: [{ name: 'anything' }], message: { platform: 'whatsapp' },
    expect: { flow: 'anything', score: 10, matched: ['catch_all'] } },
  { name: 'trigger.type compares lower-case', flows: [{ name: 'tg', type: 'TELEGRAM' }], message: { platform: 'Telegram' }, expect: { flow: 'tg', score: 50 } },
  { name: 'events narrow but earn no weight', flows: [{ name: 'prod', type: 'Slack', events: ['app_mention', 'message'], channels: ['production'] }],
    message: prodChannel, expect: { flow: 'prod', score: 140, matched: ['platform', 'event', 'channel'] } },
  // Summed weights and ranking.
  { name: 'all filters sum', flows: [{ name: 'all', type: 'Slack', channels: ['production'], users: ['U0DEV'], patterns: ['deploy'] }],
    message: { ...prodChannel, text: 'deploy api' }, expect: { flow: 'all', score: 280, matched: ['platform', 'channel', 'user', 'pattern'] } },
  { name: 'channel beats user', flows: [{ name: 'admins', type: 'Slack', users: ['U0DEV'] }, { name: 'prod', type: 'Slack', channels: ['production'] }],
    message: prodChannel, expect: { flow: 'prod', score: 140 } },
  { name: 'user beats pattern', flows: [{ name: 'k8s', type: 'Slack', patterns: ['kubectl'] }, { name: 'admins', type: 'Slack', users: ['U0DEV'] }],
    message: { text: 'kubectl get pods' }, expect: { flow: 'admins', score: 120 } },
  { name: 'pattern beats catch-all', flows: [slackCatchAll, { name: 'k8s', type: 'Slack', patterns: ['kubectl'] }], message: { text: 'kubectl get pods' },
    expect: { flow: 'k8s', score: 100 } },
  { name: 'channel and pattern beat channel alone', flows: [{ name: 'prod', channels: ['production'] }, { name: 'prod-k8s', channels: ['production'], patterns: ['kubectl'] }],
    message: { ...prodChannel, text: 'kubectl get pods' }, expect: { flow: 'prod-k8s', score: 160 } },
  // Exclusions, visible in the explanation.
  { name: 'other platform excludes', flows: [{ name: 'tg', type: 'Telegram', channels: ['production'] }, slackCatchAll], message: prodChannel,
    expect: { flow: 'slack-catch-all', excluded: { tg: 'platform' } } },
  { name: 'other event excludes', flows: [{ name: 'mentions', type: 'Slack', events: ['app_mention'] }, { name: 'any' }], message: { event: 'message' },
    expect: { flow: 'any', excluded: { mentions: 'event' } } },
  { name: 'message without event type fails an events filter', flows: [{ name: 'mentions', events: ['app_mention'] }], message: { event: null },
    expect: { flow: null, excluded: { mentions: 'event' } } },
  { name: 'other channel excludes', flows: [{ name: 'staging', type: 'Slack', channels: ['staging'] }, slackCatchAll], message: prodChannel,
    expect: { flow: 'slack-catch-all', excluded: { staging: 'channel' } } },
  { name: 'other user excludes', flows: [{ name: 'admins', type: 'Slack', users: ['U015ADMIN'] }, slackCatchAll],
    expect: { flow: 'slack-catch-all', excluded: { admins: 'user' } } },
  { name: 'unmatched pattern excludes', flows: [{ name: 'k8s', type: 'Slack', patterns: ['^kubectl'] }, slackCatchAll], message: { text: 'please run kubectl' },
    expect: { flow: 'slack-catch-all', excluded: { k8s: 'pattern' } } },
  { name: 'inactive flow is never a candidate', flows: [{ name: 'prod', type: 'Slack', channels: ['production'], active: false }, slackCatchAll],
    message: prodChannel, expect: { flow: 'slack-catch-all', excluded: { prod: 'inactive' } } },
  { name: 'channel is checked before user', flows: [{ name: 'both', channels: ['staging'], users: ['U015ADMIN'] }], message: prodChannel,
    expect: { flow: null, excluded: { both: 'channel' } } },
  { name: 'empty users list admits nobody', flows: [{ name: 'nobody', users: [] }], expect: { flow: null, excluded: { nobody: 'user' } } },
  // Ties and no candidate.
  { name: 'tie goes to the flow loaded first', flows: [{ name: 'first', type: 'Slack' }, { name: 'second', type: 'Slack' }], expect: { flow: 'first', score: 50 } },
  { name: 'tie follows load index, not list position', flows: [{ name: 'later', type: 'Slack', index: 1 }, { name: 'earlier', type: 'Slack', index: 0 }],
    expect: { flow: 'earlier' } },
  { name: 'no candidate: default_agent answers', flows: [{ name: 'staging', channels: ['staging'] }], routing: { default_agent: 'general-assistant' },
    message: prodChannel, expect: { flow: null, agent: 'general-assistant', fallback: true, dropped: false, score: 0 } },
  { name: 'no candidate in strict mode: dropped', flows: [{ name: 'staging', channels: ['staging'] }],
    routing: { default_agent: 'general-assistant', strict_mode: true }, message: prodChannel,
    expect: { flow: null, agent: null, fallback: false, dropped: true } },
  { name: 'no candidate and no default: nothing', flows: [], expect: { flow: null, agent: null, fallback: false, dropped: false } },
  { name: 'routing.weights change the winner', flows: [{ name: 'prod', type: 'Slack', channels: ['production'] }, { name: 'admins', type: 'Slack', users: ['U0DEV'] }],
    routing: { weights: { user: 150 } }, message: prodChannel, expect: { flow: 'admins', score: 190 } },
  // Channel and user matching.
  { name: 'channel * matches any channel', flows: [{ name: 'everywhere', type: 'Slack', channels: ['*'] }], message: { channelId: 'C9', channelName: 'random' },
    expect: { flow: 'everywhere', score: 140 } },
  { name: 'user * matches any user', flows: [{ name: 'everyone', type: 'Slack', users: ['*'] }], message: { userId: 'U9' }, expect: { flow: 'everyone', score: 120 } },
  { name: 'channel entry matches the channel id', flows: [{ name: 'by-id', channels: ['C024BE91L'] }], message: { channelId: 'C024BE91L', channelName: null },
    expect: { flow: 'by-id' } },
  { name: 'channel ids compare exactly', flows: [{ name: 'by-id', channels: ['c024be91l'] }], message: { channelId: 'C024BE91L', channelName: 'ops' },
    expect: { flow: null, excluded: { 'by-id': 'channel' } } },
  { name: 'channel entry matches the channel name', flows: [{ name: 'by-name', channels: ['production'] }], message: prodChannel, expect: { flow: 'by-name' } },
  { name: '#name entry matches the name', flows: [{ name: 'hash', channels: ['#production'] }], message: prodChannel, expect: { flow: 'hash' } },
  { name: 'platform name with # matches a bare entry', flows: [{ name: 'bare', channels: ['production'] }], message: { channelId: 'C1', channelName: '#production' },
    expect: { flow: 'bare' } },
  { name: 'channel names compare case-insensitively', flows: [{ name: 'ci', channels: ['#Production'] }], message: { channelId: 'C1', channelName: 'PRODUCTION' },
    expect: { flow: 'ci' } },
  { name: 'user entry matches the username', flows: [{ name: 'alice', users: ['@Alice'] }], message: { userId: 'U9', userName: 'alice' }, expect: { flow: 'alice' } },
  // Text normalization and patterns.
  { name: 'Slack mention is stripped before patterns', flows: [{ name: 'k8s', patterns: ['^kubectl'] }], message: { text: '<@U123> kubectl get pods' },
    expect: { flow: 'k8s', text: 'kubectl get pods' } },
  { name: 'Discord nickname mention and repeated spaces are stripped', flows: [{ name: 'k8s', patterns: ['^kubectl'] }], message: { text: '<@!1234>   kubectl get pods' },
    expect: { flow: 'k8s', text: 'kubectl get pods' } },
  { name: 'Slack labelled mention is stripped', flows: [{ name: 'k8s', patterns: ['^kubectl'] }], message: { text: '<@U123|aof> kubectl get pods' },
    expect: { flow: 'k8s', text: 'kubectl get pods' } },
  { name: '(?i) makes a pattern case-insensitive', flows: [{ name: 'incident', patterns: ['(?i)^incident'] }], message: { text: 'INCIDENT: db down' },
    expect: { flow: 'incident' } },
  { name: 'patterns are case-sensitive by default', flows: [{ name: 'incident', patterns: ['^incident'] }], message: { text: 'INCIDENT: db down' },
    expect: { flow: null, excluded: { incident: 'pattern' } } },
  { name: 'any pattern of the list matches', flows: [{ name: 'incident', patterns: ['^(incident|outage)', 'CRITICAL|HIGH'] }], message: { text: 'disk CRITICAL on db-1' },
    expect: { flow: 'incident' } },
  // Agent selection inside the flow.
  { name: 'agent: first whose patterns match',
    flows: [{ name: 'ops', agents: [{ name: 'k8s', patterns: ['kubectl'] }, { name: 'incident', patterns: ['outage', 'incident'] }, { name: 'general' }] }],
    message: { text: 'incident: kubectl is down' }, expect: { flow: 'ops', agent: 'k8s' } },
  { name: 'agent: first without patterns when none match',
    flows: [{ name: 'ops', agents: [{ name: 'k8s', patterns: ['kubectl'] }, { name: 'general' }, { name: 'other' }] }],
    message: { text: 'hello' }, expect: { flow: 'ops', agent: 'general' } },
  { name: 'agent: first agent when all have patterns and none match',
    flows: [{ name: 'ops', agents: [{ name: 'k8s', patterns: ['kubectl'] }, { name: 'incident', patterns: ['incident'] }] }],
    message: { text: 'hello' }, expect: { flow: 'ops', agent: 'k8s' } },
  { name: 'agent patterns see the normalized text',
    flows: [{ name: 'ops', agents: [{ name: 'general' }, { name: 'k8s', patterns: ['^kubectl'] }] }],
    message: { text: '<@U1> kubectl get pods' }, expect: { flow: 'ops', agent: 'k8s' } },
  // Scorer plugins.
  { name: 'label-boost adjusts scores to change the winner',
    flows: [{ name: 'developer', type: 'Slack' }, { name: 'org-a', type: 'Slack', labels: { tier: 'enterprise' } }],
    scorers: async () => [await weightedEntry(), await labelBoostEntry({ label: 'tier', value: 'enterprise', boost: 5 })],
    expect: { flow: 'org-a', score: 55 } },
  { name: 'label-boost leaves other labels alone',
    flows: [{ name: 'developer', type: 'Slack' }, { name: 'org-b', type: 'Slack', labels: { tier: 'standard' } }],
    scorers: async () => [await weightedEntry(), await labelBoostEntry({ label: 'tier', value: 'enterprise', boost: 5 })],
    expect: { flow: 'developer', score: 50 } },
  { name: 'a replace scorer replaces the weights',
    flows: [{ name: 'prod', type: 'Slack', channels: ['production'] }, { name: 'vip', type: 'Slack', labels: { priority: '7' } }],
    scorers: priorityLabelScorer, message: prodChannel, expect: { flow: 'vip', score: 7 } },
  { name: 'a replace scorer still only scores candidates',
    flows: [{ name: 'vip', channels: ['staging'], labels: { priority: '7' } }, { name: 'prod', channels: ['production'] }],
    scorers: priorityLabelScorer, message: prodChannel, expect: { flow: 'prod', score: 0, excluded: { vip: 'channel' } } },
  { name: 'a scorer without upperBound is applied to every candidate',
    flows: [{ name: 'prod', channels: ['production'] }, { name: 'quiet', type: 'Slack' }],
    scorers: async () => [await weightedEntry(), unboundedEntry('mute-prod', ({ flow, score }) => (flow.flow.metadata.name === 'prod' ? 0 : score))],
    message: prodChannel, expect: { flow: 'quiet', score: 50 } },
];

describe('routing table (DESIGN §4)', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const scorers = c.scorers ? await c.scorers() : [await weightedEntry()];
      const router = new FlowRouter(makeFlows(c.flows), makeRouting(c.routing), scorers);
      const message = makeMessage(c.message);
      const fast = router.routeBest(message);
      const explained = router.routeBest(message, { explain: true });
      for (const decision of [fast, explained]) {
        assert.equal(decision.flow?.flow.metadata.name ?? null, c.expect.flow);
        if (c.expect.agent !== undefined) assert.equal(decision.agent, c.expect.agent);
        if (c.expect.score !== undefined) assert.equal(decision.score, c.expect.score);
        if (c.expect.matched !== undefined) assert.deepEqual(decision.matched, c.expect.matched);
        if (c.expect.fallback !== undefined) assert.equal(decision.fallback, c.expect.fallback);
        if (c.expect.dropped !== undefined) assert.equal(decision.dropped, c.expect.dropped);
        if (c.expect.text !== undefined) assert.equal(decision.text, c.expect.text);
      }
      assert.equal(fast.candidates, undefined);
      const candidates = explained.candidates ?? [];
      for (const [flow, filter] of Object.entries(c.expect.excluded ?? {})) {
        const candidate = candidates.find((entry) => entry.flow === flow);
        assert.deepEqual({ score: candidate?.score, excluded_by: candidate?.excluded_by }, { score: null, excluded_by: filter }, flow);
      }
    });
  }
});
