import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode, isAofError } from '@aof/api';
import { FlowRouter } from '../../core/router/flow-router.js';
import { makeFlows, makeMessage, makeRouting, unboundedEntry, weightedEntry } from './flow-fixtures.js';

const flows = makeFlows([
  { name: 'prod', type: 'Slack', events: ['app_mention'], channels: ['production'], patterns: ['kubectl'] },
  { name: 'staging', type: 'Slack', channels: ['staging'] },
  { name: 'telegram', type: 'Telegram' },
  { name: 'messages-only', events: ['message'] },
  { name: 'admins', users: ['U015ADMIN'] },
  { name: 'incident', patterns: ['^incident'] },
  { name: 'retired', type: 'Slack', active: false },
  { name: 'catch-all' },
  { name: 'slack', type: 'Slack' },
]);

describe('explained decisions', () => {
  test('list every flow in load order, each with a score or the filter that excluded it', async () => {
    const router = new FlowRouter(flows, makeRouting(), [await weightedEntry()]);
    const decision = router.routeBest(makeMessage({ channelId: 'C1', channelName: 'production', text: 'deploy api' }), { explain: true });
    assert.deepEqual(decision.candidates, [
      { flow: 'prod', score: null, matched: ['platform', 'event', 'channel'], excluded_by: 'pattern' },
      { flow: 'staging', score: null, matched: ['platform'], excluded_by: 'channel' },
      { flow: 'telegram', score: null, matched: [], excluded_by: 'platform' },
      { flow: 'messages-only', score: null, matched: [], excluded_by: 'event' },
      { flow: 'admins', score: null, matched: [], excluded_by: 'user' },
      { flow: 'incident', score: null, matched: [], excluded_by: 'pattern' },
      { flow: 'retired', score: null, matched: [], excluded_by: 'inactive' },
      { flow: 'catch-all', score: 10, matched: ['catch_all'], excluded_by: null },
      { flow: 'slack', score: 50, matched: ['platform', 'catch_all'], excluded_by: null },
    ]);
    assert.equal(decision.flow?.flow.metadata.name, 'slack');
  });

  test('decisions carry copies: changing one does not change the next', async () => {
    const router = new FlowRouter(flows, makeRouting(), [await weightedEntry()]);
    const first = router.routeBest(makeMessage());
    first.matched.push('channel');
    assert.deepEqual(router.routeBest(makeMessage()).matched, ['platform', 'catch_all']);
  });
});

describe('scorer chain', () => {
  test('a router without scorers refuses to start', () => {
    assert.throws(() => new FlowRouter(flows, makeRouting(), []), (error: unknown) =>
      isAofError(error, ErrorCode.CONFIG_INVALID) && /no scorer/.test(error.message));
  });

  test('a failing scorer is named in the error', async () => {
    const broken = unboundedEntry('scorer-broken', () => {
      throw new Error('boom');
    });
    const router = new FlowRouter(flows, makeRouting(), [await weightedEntry(), broken]);
    assert.throws(() => router.routeBest(makeMessage()), (error: unknown) =>
      isAofError(error, ErrorCode.PLUGIN_HOOK_FAILED) && error.plugin === 'scorer-broken' && error.hook === 'score' && /boom/.test(error.message));
  });

  test('scorers before the last replace are dropped; later ones adjust its score', async () => {
    const seen: number[] = [];
    const chain = [
      unboundedEntry('dropped', () => 1000),
      await weightedEntry(),
      unboundedEntry('observer', ({ score }) => {
        seen.push(score);
        return score + 1;
      }),
    ];
    const router = new FlowRouter(makeFlows([{ name: 'slack', type: 'Slack' }]), makeRouting(), chain);
    assert.equal(router.routeBest(makeMessage()).score, 51);
    assert.deepEqual(seen, [50]);
  });

  test('a scorer that routes through the same router is refused, and the router recovers', async () => {
    let router: FlowRouter | undefined;
    let meddle = true;
    const meddler = unboundedEntry('scorer-meddler', ({ message, score }) => {
      if (meddle) {
        meddle = false;
        router?.routeBest(message);
      }
      return score;
    });
    router = new FlowRouter(makeFlows([{ name: 'slack', type: 'Slack' }]), makeRouting(), [await weightedEntry(), meddler]);
    assert.throws(() => router?.routeBest(makeMessage()), (error: unknown) =>
      isAofError(error, ErrorCode.PLUGIN_HOOK_FAILED) && error.plugin === 'scorer-meddler' && /not reentrant/.test(error.message));
    assert.equal(router.routeBest(makeMessage()).score, 50);
  });

  test('weights are copied at construction', async () => {
    const routing = makeRouting();
    const router = new FlowRouter(makeFlows([{ name: 'slack', type: 'Slack' }]), routing, [await weightedEntry()]);
    routing.weights.platform = 0;
    assert.equal(router.routeBest(makeMessage()).score, 50);
  });

  test('an invalid pattern fails construction with a coded error', async () => {
    const weighted = await weightedEntry();
    assert.throws(() => new FlowRouter(makeFlows([{ name: 'bad', patterns: ['(unclosed'] }]), makeRouting(), [weighted]),
      (error: unknown) => isAofError(error, ErrorCode.PATTERN_INVALID));
  });

  test('an inactive flow\'s patterns are never compiled', async () => {
    const router = new FlowRouter(makeFlows([{ name: 'bad', patterns: ['(unclosed'], active: false }]), makeRouting(), [await weightedEntry()]);
    assert.equal(router.routeBest(makeMessage()).flow, null);
  });
});
