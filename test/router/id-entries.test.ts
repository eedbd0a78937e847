/**
 * Entries written as ids match ids only: a name anyone can give a channel or themselves must
 * never pass for the channel or user the operator wrote down by id.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlowRouter } from '../../core/router/flow-router.js';
import { isIdShaped } from '../../core/router/names.js';
import { makeFlows, makeMessage, makeRouting, weightedEntry } from './flow-fixtures.js';

async function routerFor(channels: string[] | undefined, users?: string[]): Promise<FlowRouter> {
  return new FlowRouter(makeFlows([{ name: 'guarded', ...(channels && { channels }), ...(users && { users }) }]), makeRouting({ strict_mode: true }), [await weightedEntry()]);
}

describe('entries shaped like platform ids', () => {
  it('tells ids from names: numbers and Slack\'s upper-case ids with a digit', () => {
    for (const id of ['-1001234567890', '16505551234', '1234567890123456789', 'C0PROD1234', 'U015ADMIN', 'W012A3CDE']) assert.equal(isIdShaped(id), true, id);
    for (const name of ['production', '#production', '@sre_team', 'PRODUCTION', 'prod-2', 'c0prod1234', '#C0PROD1234']) assert.equal(isIdShaped(name), false, name);
  });

  it('a channel id matches that channel, not a channel named like it', async () => {
    for (const [id, platform] of [['C0PROD1234', 'slack'], ['-1001234567890', 'telegram'], ['1200000000000000001', 'discord']] as const) {
      const router = await routerFor([id]);
      assert.equal(router.routeBest(makeMessage({ platform, channelId: id, channelName: 'production' })).flow?.flow.metadata.name, 'guarded', `${platform} by id`);
      const impostor = makeMessage({ platform, channelId: 'C0OTHER999', channelName: id.toLowerCase() });
      assert.equal(router.routeBest(impostor).flow, null, `${platform}: a channel named ${id.toLowerCase()}`);
    }
  });

  it('a user id matches that user, not a user calling themselves by it', async () => {
    const router = await routerFor(undefined, ['U015ADMIN', '16505551234']);
    assert.equal(router.routeBest(makeMessage({ userId: 'U015ADMIN', userName: 'admin' })).flow?.flow.metadata.name, 'guarded');
    assert.equal(router.routeBest(makeMessage({ userId: 'U0GUEST42', userName: 'u015admin' })).flow, null);
    assert.equal(router.routeBest(makeMessage({ platform: 'whatsapp', userId: '4915112345678', userName: '16505551234' })).flow, null);
  });

  it('names still match loosely, and a name entry written in capitals is a name', async () => {
    const router = await routerFor(['#Production', 'PRODUCTION-EU']);
    assert.equal(router.routeBest(makeMessage({ channelId: 'C0PROD1234', channelName: 'production' })).flow?.flow.metadata.name, 'guarded');
    assert.equal(router.routeBest(makeMessage({ channelId: 'C0PRODEU12', channelName: 'production-eu' })).flow?.flow.metadata.name, 'guarded');
  });

  it('folds only A-Z: a look-alike such as the Kelvin sign is not a k', async () => {
    const router = await routerFor(['kube-ops']);
    assert.equal(router.routeBest(makeMessage({ channelName: 'KUBE-OPS' })).flow?.flow.metadata.name, 'guarded');
    assert.equal(router.routeBest(makeMessage({ channelName: '\u212Aube-ops' })).flow, null);
  });
});
