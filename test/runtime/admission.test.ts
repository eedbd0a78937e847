import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { AgentPriority, InboundMessage, LoadedFlow } from '@aof/api';
import { Admission, MAX_PRIORITY_WAIT_MS, type AdmissionTicket, type Release } from '../../core/runtime/admission.js';
import type { TaskOutcome } from '../../core/runtime/agent-runtime.js';
import { daemonSpec, inbound, loadedAgent, loadedFlow, recordFile, startRuntime, type TestRuntime } from './support.js';

const admitted = (ticket: AdmissionTicket): Promise<Release> => {
  assert.equal(ticket.status, 'admitted');
  return (ticket as Extract<AdmissionTicket, { status: 'admitted' }>).ready;
};

describe('Admission', () => {
  it('serves waiters by priority, FIFO within a priority, one freed slot at a time', async () => {
    const admission = new Admission({ maxConcurrent: 1, maxPerUser: 10, queueSize: 10 });
    const first = await admitted(admission.request('u0'));
    const order: string[] = [];
    const queued: Array<[string, AgentPriority]> = [['low-1', 'low'], ['normal-1', 'normal'], ['high-1', 'high'], ['normal-2', 'normal'], ['critical-1', 'critical'], ['high-2', 'high']];
    const done = queued.map(([name, priority]) => admitted(admission.request(name, priority)).then((release) => {
      order.push(name);
      assert.equal(admission.running, 1);
      release();
    }));
    assert.equal(admission.queued, 6);
    first();
    await Promise.all(done);
    assert.deepEqual(order, ['critical-1', 'high-1', 'high-2', 'normal-1', 'normal-2', 'low-1']);
    assert.equal(admission.running, 0);
    assert.equal(admission.queued, 0);
  });

  it('lets a task that waited past MAX_PRIORITY_WAIT_MS go next, however much urgent work keeps coming', async () => {
    let now = 0;
    const admission = new Admission({ maxConcurrent: 1, maxPerUser: 10_000, queueSize: 10_000 }, () => now);
    let release = await admitted(admission.request('h0', 'high'));
    let lowGranted = false;
    void admitted(admission.request('low-user', 'low')).then(() => {
      lowGranted = true;
    });
    // High-priority work keeps the one slot busy: while the low task has waited less than the limit, it stays behind.
    for (let i = 1; i <= 100; i++) {
      const next = admitted(admission.request(`h${i}`, 'high'));
      now += 100;
      release();
      release = await next;
    }
    assert.equal(lowGranted, false, 'behind the urgent work for its first 10 s');
    now += MAX_PRIORITY_WAIT_MS;
    const urgent = admitted(admission.request('h-late', 'critical'));
    release();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(lowGranted, true, 'its turn once it has waited past the limit');
    assert.equal(admission.queued, 1, 'the critical task waits one slot');
    void urgent;
  });

  it('is busy at once when the queue is full, and counts a double release once', async () => {
    const admission = new Admission({ maxConcurrent: 2, maxPerUser: 10, queueSize: 1 });
    const a = await admitted(admission.request('a'));
    await admitted(admission.request('b'));
    const waiting = admitted(admission.request('c'));
    const full = admission.request('d');
    assert.deepEqual(full, { status: 'busy', reason: 'queue_full', reply: 'AOF is busy right now (2 tasks running, queue full). Please try again in a minute.' });
    a();
    a();
    await waiting;
    assert.equal(admission.running, 2);
    assert.equal(admission.queued, 0);
  });

  it('limits tasks per user (running or waiting) without affecting other users', async () => {
    const admission = new Admission({ maxConcurrent: 1, maxPerUser: 2, queueSize: 10 });
    const first = await admitted(admission.request('alice'));
    const second = admitted(admission.request('alice'));
    const third = admission.request('alice');
    assert.equal(third.status, 'busy');
    assert.equal(third.status === 'busy' && third.reason, 'user_limit');
    assert.match(third.status === 'busy' ? third.reply : '', /^You already have 2 tasks running \(the limit is 2 per user\)/);
    assert.equal(admission.request('bob').status, 'admitted');
    first();
    (await second)();
    assert.equal(admission.request('alice').status, 'admitted');
  });

  it('close() fails waiters and refuses newcomers, running slots stay until released', async () => {
    const admission = new Admission({ maxConcurrent: 1, maxPerUser: 10, queueSize: 10 });
    const running = await admitted(admission.request('a'));
    const waiting = admitted(admission.request('b'));
    admission.close();
    await assert.rejects(waiting, { name: 'AdmissionClosedError' });
    assert.equal(admission.request('c').status, 'busy');
    assert.equal(admission.running, 1);
    running();
    assert.equal(admission.running, 0);
    assert.equal(admission.queued, 0);
  });
});

interface SlowRecord {
  event: 'start' | 'end';
  label: string;
  t: number;
}

/** Most tasks that were between `start` and `end` at the same moment (an end at the same ms as a start counts first). */
function maxOverlap(records: readonly SlowRecord[]): number {
  const events = [...records].sort((a, b) => a.t - b.t || (a.event === 'end' ? -1 : 1));
  let now = 0;
  let most = 0;
  for (const event of events) {
    now += event.event === 'start' ? 1 : -1;
    most = Math.max(most, now);
  }
  return most;
}

describe('admission in the runtime, with real sandbox workers', () => {
  const slowAgent = loadedAgent('slow-agent', { tools: ['slow', 'crash'] });
  let t: TestRuntime;
  let log: Awaited<ReturnType<typeof recordFile<SlowRecord>>>;
  const flow = (name: string, priority?: AgentPriority): LoadedFlow => loadedFlow(name, {
    agents: [{ name: 'slow-agent', ...(priority !== undefined && { priority }) }],
    sandbox: { max_threads: 4 },
    context: { env: { RUNTIME_TEST_LOG: log.file } },
  });
  const submit = (target: LoadedFlow, text: string, message: Partial<InboundMessage> = {}): Promise<TaskOutcome> =>
    t.runtime.run({ requestId: text, flow: target, agentName: 'slow-agent', agent: slowAgent, message: inbound(text, message) });
  const start = async (runtime: Parameters<typeof daemonSpec>[0]): Promise<void> => {
    log = await recordFile<SlowRecord>();
    t = await startRuntime({ daemon: daemonSpec(runtime) });
  };

  afterEach(async () => {
    await t.close();
    await log.cleanup();
  });

  it('max_concurrent_tasks 2: ten slow tasks over five flows never run more than two at once, and all finish', async () => {
    await start({ max_concurrent_tasks: 2, queue_size: 10 });
    const flows = Array.from({ length: 5 }, (_, i) => flow(`busy-${i}`));
    let peak = 0;
    const watch = setInterval(() => { peak = Math.max(peak, t.runtime.stats().running); }, 5);
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      submit(flows[i % 5] as LoadedFlow, `slow 150 task-${i}`, { user: { id: `U${i}` } })));
    clearInterval(watch);
    assert.deepEqual(outcomes.map((outcome) => outcome.status), Array(10).fill('ok'));
    const records = await log.lines();
    assert.equal(records.filter((record) => record.event === 'end').length, 10);
    assert.equal(maxOverlap(records), 2);
    assert.ok(peak <= 2, `stats().running peaked at ${peak}`);
    assert.ok(outcomes.some((outcome) => outcome.queuedMs >= 100), 'later tasks waited for a slot');
    assert.deepEqual({ running: t.runtime.stats().running, queued: t.runtime.stats().queued }, { running: 0, queued: 0 });
  });

  it('a full queue answers busy at once; slots come back after crashes too', async () => {
    await start({ max_concurrent_tasks: 1, queue_size: 1 });
    const target = flow('queue-flow');
    const first = submit(target, 'crash', { user: { id: 'U1' } });
    const second = submit(target, 'slow 10 second', { user: { id: 'U2' } });
    const third = await submit(target, 'slow 10 third', { user: { id: 'U3' } });
    assert.equal(third.status, 'busy');
    assert.equal(third.errorCode, 'queue_full');
    assert.equal(third.reply, 'AOF is busy right now (1 task running, queue full). Please try again in a minute.');
    assert.equal((await first).status, 'crashed');
    assert.equal((await second).status, 'ok');
    assert.deepEqual({ running: t.runtime.stats().running, queued: t.runtime.stats().queued }, { running: 0, queued: 0 });
    assert.equal((await submit(target, 'slow 10 after', { user: { id: 'U3' } })).status, 'ok');
  });

  it('max_tasks_per_user counts per platform user; another user is not affected', async () => {
    await start({ max_concurrent_tasks: 10, max_tasks_per_user: 2 });
    const target = flow('user-flow');
    const alice = { user: { id: 'U-alice' } };
    const running = [submit(target, 'slow 200 a1', alice), submit(target, 'slow 200 a2', alice)];
    const refused = await submit(target, 'slow 10 a3', alice);
    assert.equal(refused.status, 'busy');
    assert.equal(refused.errorCode, 'user_limit');
    assert.match(refused.reply, /You already have 2 tasks running/);
    const sameIdElsewhere = await submit(target, 'slow 10 other-workspace', { ...alice, workspace: 'T2' });
    const bob = await submit(target, 'slow 10 b1', { user: { id: 'U-bob' } });
    assert.equal(sameIdElsewhere.status, 'ok');
    assert.equal(bob.status, 'ok');
    assert.deepEqual((await Promise.all(running)).map((outcome) => outcome.status), ['ok', 'ok']);
  });

  it('an agent entry with priority critical jumps the queue', async () => {
    await start({ max_concurrent_tasks: 1, queue_size: 10 });
    const normal = flow('normal-flow');
    const critical = flow('incident-flow', 'critical');
    const blocker = submit(normal, 'slow 300 blocker', { user: { id: 'U0' } });
    const waiting = [1, 2, 3].map((i) => submit(normal, `slow 10 normal-${i}`, { user: { id: `U${i}` } }));
    const urgent = submit(critical, 'slow 10 critical', { user: { id: 'U9' } });
    await Promise.all([blocker, ...waiting, urgent]);
    const starts = (await log.lines()).filter((record) => record.event === 'start').map((record) => record.label);
    assert.deepEqual(starts, ['blocker', 'critical', 'normal-1', 'normal-2', 'normal-3']);
  });
});
