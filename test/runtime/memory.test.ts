import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InboundMessage, LoadedFlow } from '@aof/api';
import { memoryKey } from '../../core/runtime/memory.js';
import { inbound, loadedAgent, loadedFlow, startRuntime, type TestRuntime } from './support.js';

/** The `history` test model answers "history N: <earlier user turns>" from inside the worker. */
const historian = loadedAgent('historian', { model: 'history', tools: [] });

describe('conversation memory namespaces', () => {
  let t: TestRuntime;
  const flowA = loadedFlow('mem-a', { agents: [{ name: 'historian' }] });
  const flowB = loadedFlow('mem-b', { agents: [{ name: 'historian' }] });
  const ask = async (flow: LoadedFlow, text: string, where: Partial<InboundMessage> = {}): Promise<string> => {
    const outcome = await t.runtime.run({ requestId: text, flow, agentName: 'historian', agent: historian, message: inbound(text, where) });
    assert.equal(outcome.status, 'ok', outcome.reply);
    return outcome.reply;
  };

  before(async () => {
    t = await startRuntime();
  });
  after(() => t.close());

  it('two flows in the same channel do not see each other, and the worker gets its own history', async () => {
    const channel = { channel: { id: 'C-shared', name: 'shared' } };
    assert.equal(await ask(flowA, 'a1', channel), 'history 0: ');
    assert.equal(await ask(flowB, 'b1', channel), 'history 0: ');
    assert.equal(await ask(flowA, 'a2', channel), 'history 2: a1');
    assert.equal(await ask(flowB, 'b2', channel), 'history 2: b1');
    assert.equal(await ask(flowA, 'a3', channel), 'history 4: a1 | a2');
  });

  it('two threads of one channel do not see each other', async () => {
    const one = { channel: { id: 'C-threads' }, thread: '1700000000.000100' };
    const two = { channel: { id: 'C-threads' }, thread: '1700000000.000200' };
    await ask(flowA, 'first thread', one);
    await ask(flowA, 'second thread', two);
    assert.equal(await ask(flowA, 'again', one), 'history 2: first thread');
    assert.equal(await ask(flowA, 'again', two), 'history 2: second thread');
    assert.equal(await ask(flowA, 'no thread', { channel: { id: 'C-threads' } }), 'history 0: ');
  });

  it('trims each namespace to max_messages and sets its ttl', async () => {
    const flow = loadedFlow('mem-trim', { agents: [{ name: 'historian' }], memory: { max_messages: 4, ttl_secs: 600 } });
    const where = { channel: { id: 'C-trim' } };
    for (const text of ['m1', 'm2', 'm3']) await ask(flow, text, where);
    assert.equal(await ask(flow, 'm4', where), 'history 4: m2 | m3');
    const key = memoryKey('mem-trim', inbound('', where));
    const stored = await t.store.listRange(key, 0, -1);
    assert.equal(stored.length, 4);
    const contents = stored.map((entry) => (JSON.parse(entry) as { content: string }).content);
    assert.deepEqual(contents, ['m3', 'history 4: m1 | m2', 'm4', 'history 4: m2 | m3']);
    const ttl = await t.store.ttl(key);
    assert.ok(ttl !== undefined && ttl > 590_000 && ttl <= 600_000, String(ttl));
  });
});

describe('memoryKey', () => {
  it('names flow, platform, workspace, channel and thread, with - for absent parts', () => {
    assert.equal(memoryKey('prod', { platform: 'slack', workspace: 'T1', channel: { id: 'C1' }, thread: '17.5' }), 'mem:prod:slack:T1:C1:17.5');
    assert.equal(memoryKey('prod', { platform: 'telegram', channel: { id: '-100123' } }), 'mem:prod:telegram:-:-100123:-');
  });

  it('escapes separators so one id cannot forge another namespace', () => {
    const forged = memoryKey('a', { platform: 'slack', channel: { id: 'C1:x' } });
    const honest = memoryKey('a', { platform: 'slack', workspace: 'C1', channel: { id: 'x' } });
    assert.notEqual(forged, honest);
    assert.equal(forged, 'mem:a:slack:-:C1%3Ax:-');
  });
});
