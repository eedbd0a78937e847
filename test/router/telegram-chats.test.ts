import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadResourceFiles } from '../../core/config/load-config.js';
import { FlowRouter } from '../../core/router/flow-router.js';
import { makeFlows, makeMessage, makeRouting, weightedEntry } from './flow-fixtures.js';

/** A public supergroup as the Telegram plugin reports it: named by title, its @username as handle. */
const sreGroup = { platform: 'telegram', channelId: '-1001234', channelName: 'SRE Team', channelHandle: '@sre_team' };
const otherGroup = { platform: 'telegram', channelId: '-1005678', channelName: 'Marketing' };

const flowYaml = (name: string, config: string): string => `apiVersion: aof.dev/v1
kind: AgentFlow
metadata:
  name: ${name}
spec:
  trigger:
    type: Telegram
    config:
${config}
  agents:
    - name: ops
`;

describe('Telegram chats: `chats` in a trigger, and a chat\'s @username beside its title', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aof-chats-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('loads `chats` as a channel filter: the flow answers its chat only, with the channel weight', async () => {
    const file = path.join(dir, 'chats.yaml');
    await writeFile(file, [
      flowYaml('sre-chat', '      chats: ["@sre_team"]'),
      flowYaml('both-lists', '      channels: ["-1009999"]\n      chats: [Marketing]'),
      flowYaml('telegram-default', '      events: [message]'),
    ].join('---\n'));
    const loaded = await loadResourceFiles([file]);
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(loaded.flows.map((f) => f.flow.spec.trigger?.config?.channels), [['@sre_team'], ['-1009999', 'Marketing'], undefined]);

    const router = new FlowRouter(loaded.flows, makeRouting(), [await weightedEntry()]);
    const sre = router.routeBest(makeMessage({ ...sreGroup, event: 'message' }), { explain: true });
    assert.equal(sre.flow?.flow.metadata.name, 'sre-chat');
    assert.deepEqual(sre.candidates?.find((c) => c.flow === 'sre-chat'), { flow: 'sre-chat', score: 140, matched: ['platform', 'channel'], excluded_by: null });
    assert.equal(router.routeBest(makeMessage({ ...otherGroup, event: 'message' })).flow?.flow.metadata.name, 'both-lists', 'a chat named in `chats` next to `channels`');
    const elsewhere = router.routeBest(makeMessage({ platform: 'telegram', channelId: '-1000001', channelName: 'Random', event: 'message' }), { explain: true });
    assert.equal(elsewhere.flow?.flow.metadata.name, 'telegram-default', 'a flow with `chats` is not a catch-all');
    assert.equal(elsewhere.candidates?.find((c) => c.flow === 'sre-chat')?.excluded_by, 'channel');
  });

  it('warns about mixed environments under `chats` at the entry as written', async () => {
    const file = path.join(dir, 'environments.yaml');
    const labelled = (name: string, environment: string, config: string): string => flowYaml(name, config).replace(`  name: ${name}\n`, `  name: ${name}\n  labels: { environment: ${environment} }\n`);
    await writeFile(file, [labelled('prod', 'production', '      channels: ["@sre_team"]'), labelled('staging', 'staging', '      chats: [sre_team]')].join('---\n'));
    const { problems } = await loadResourceFiles([file]);
    const mixed = problems.filter((p) => p.message.includes('never mix environments'));
    assert.deepEqual(mixed.map((p) => p.path), ['spec.trigger.config.chats[0]']);
  });

  it('matches a channel entry against the handle as against the name, with or without the @', async () => {
    const flows = makeFlows([
      { name: 'by-title', type: 'Telegram', channels: ['sre team'] },
      { name: 'by-handle', type: 'Telegram', channels: ['@SRE_team'] },
      { name: 'by-bare-handle', type: 'Telegram', channels: ['sre_team'] },
    ]);
    const router = new FlowRouter(flows, makeRouting(), [await weightedEntry()]);
    const decision = router.routeBest(makeMessage(sreGroup), { explain: true });
    assert.deepEqual(decision.candidates?.map((c) => [c.flow, c.excluded_by]), [['by-title', null], ['by-handle', null], ['by-bare-handle', null]]);
    const untitled = router.routeBest(makeMessage({ ...otherGroup, channelName: '@sre_team' }), { explain: true });
    assert.deepEqual(untitled.candidates?.map((c) => [c.flow, c.excluded_by]), [['by-title', 'channel'], ['by-handle', null], ['by-bare-handle', null]]);
    const noHandle = router.routeBest(makeMessage({ ...sreGroup, channelHandle: undefined }), { explain: true });
    assert.deepEqual(noHandle.candidates?.map((c) => [c.flow, c.excluded_by]), [['by-title', null], ['by-handle', 'channel'], ['by-bare-handle', 'channel']]);
    // The fast path (index lookups by name and by handle) agrees with the explain path above.
    assert.equal(router.routeBest(makeMessage({ ...sreGroup, channelName: 'Renamed' })).flow?.flow.metadata.name, 'by-handle');
  });
});
