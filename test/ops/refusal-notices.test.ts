/**
 * Busy and rate-limited notices: one per user, channel and status per interval on a chat
 * platform, every one on a platform that answers each message, and never folded for answers
 * or slash commands. The pipeline runs with the real router and a real memory store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InboundMessage, StateStore } from '@aof/api';
import { MemoryStore } from '@aof/plugin-store-memory';
import type { ConfigSnapshot } from '../../core/daemon/config-snapshot.js';
import { RefusalNotices } from '../../core/daemon/refusal-notices.js';
import { SHUTTING_DOWN_REPLY } from '../../core/runtime/admission.js';
import type { TaskOutcome } from '../../core/runtime/agent-runtime.js';
import { fakePipeline } from './pipeline-harness.js';
import { copyDeployment, pipelineSnapshot, sample, type Deployment } from './support.js';

const BUSY_REPLY = 'AOF is busy right now (50 tasks running, queue full). Please try again in a minute.';
/** What the first notice adds, so the silence after it makes sense. */
const HINT = (secs: number): string => `\n(Messages you send here in the next ${secs} s get no separate notice; send them again later.)`;

let counter = 0;
function message(user: string, channel = 'ops', kind: InboundMessage['kind'] = 'message'): InboundMessage {
  counter++;
  // The ops deployment's flows take the `local` platform; the platform instance below is a plain chat platform.
  return { id: `m-${counter}`, platform: 'local', channel: { id: channel, name: channel }, user: { id: user }, text: 'kubectl get pods', kind, thread: `t-${counter}`, receivedAt: Date.now() };
}

const outcome = (requestId: string, status: TaskOutcome['status'], reply: string): TaskOutcome =>
  ({ requestId, status, reply, latencyMs: 1, queuedMs: 0, tokensUsed: 0, ...(status !== 'ok' && { errorCode: 'queue_full' }) });

describe('refusal notices', () => {
  let deployment: Deployment;
  let snapshot: ConfigSnapshot;
  before(async () => {
    deployment = await copyDeployment();
    snapshot = await pipelineSnapshot(deployment);
  });
  after(() => deployment.remove());

  interface Setup {
    status?: TaskOutcome['status'];
    answersEachMessage?: boolean;
    intervalSecs?: number;
    store?: StateStore;
    rateLimited?: boolean;
  }

  function pipeline(setup: Setup = {}) {
    const runtime = { ...snapshot.config.daemon.spec.runtime, ...(setup.intervalSecs !== undefined && { refusal_notice_interval_secs: setup.intervalSecs }) };
    const current: ConfigSnapshot = { ...snapshot, config: { ...snapshot.config, daemon: { ...snapshot.config.daemon, spec: { ...snapshot.config.daemon.spec, runtime } } } };
    const status = setup.status ?? 'busy';
    const store = setup.store ?? new MemoryStore({ sweepIntervalMs: 60_000 });
    const { pipeline: created, ...rest } = fakePipeline(current, {
      runtime: { run: async (submission) => outcome(submission.requestId, status, status === 'ok' ? 'pods: 3 running' : BUSY_REPLY) },
      limits: {
        admit: async () => setup.rateLimited === true
          ? { allowed: false, refusal: { rule: { label: 'per_user', limit: 1, unit: 'requests', window: 'minute' }, retryAfterMs: 60_000, metricScope: 'user', reply: 'Rate limit reached.' } } as never
          : { allowed: true, refund: async () => undefined },
        recordTokens: async () => undefined,
      },
      notices: new RefusalNotices(() => store),
    }, setup.answersEachMessage === true ? { answersEachMessage: true } : {});
    const send = async (...messages: InboundMessage[]): Promise<void> => {
      for (const m of messages) await created.submit(m);
      await created.idle();
    };
    return { send, ...rest };
  }

  it('posts one busy notice per user and channel, and logs every refused message', async () => {
    const p = pipeline();
    await p.send(message('alice'), message('alice'), message('alice'));
    assert.deepEqual(p.sent.map((reply) => reply.text), [BUSY_REPLY + HINT(30)]);
    // The notice went to the first message's thread.
    assert.equal(p.sent[0]?.thread, `t-${counter - 2}`);
    const lines = p.requestLines();
    assert.deepEqual(lines.map((l) => l.status), ['busy', 'busy', 'busy']);
    assert.deepEqual(lines.map((l) => l.notice), [undefined, 'held', 'held']);
    assert.equal(sample(await p.metrics.registry.metrics(), 'agentflow_refusal_notices_held_total', { platform: 'local', status: 'busy' }), 2);
    // Refused messages still count as requests with their status.
    assert.equal(sample(await p.metrics.registry.metrics(), 'agentflow_requests_total', { flow: 'ops-flow', platform: 'local', agent: 'ops' }), 3);
  });

  it('another user, or the same user in another channel, gets a notice of their own', async () => {
    const p = pipeline();
    await p.send(message('alice'), message('bob'), message('alice', 'dev'), message('bob'));
    assert.deepEqual(p.sent.map((reply) => `${reply.channelId}`), ['ops', 'ops', 'dev']);
  });

  it('rate-limited notices are folded the same way, apart from busy ones', async () => {
    const p = pipeline({ rateLimited: true });
    await p.send(message('alice'), message('alice'));
    assert.deepEqual(p.sent.map((reply) => reply.text), [`Rate limit reached.${HINT(30)}`]);
    assert.deepEqual(p.requestLines().map((l) => [l.status, l.notice]), [['rate_limited', undefined], ['rate_limited', 'held']]);
  });

  it('answers, slash commands and platforms that answer each message are never folded', async () => {
    const answers = pipeline({ status: 'ok' });
    await answers.send(message('alice'), message('alice'));
    assert.equal(answers.sent.length, 2);

    const commands = pipeline();
    await commands.send(message('alice', 'ops', 'command'), message('alice', 'ops', 'command'));
    assert.deepEqual(commands.sent.map((reply) => reply.text), [BUSY_REPLY, BUSY_REPLY], 'no hint where nothing is held');

    const local = pipeline({ answersEachMessage: true });
    await local.send(message('alice'), message('alice'), message('alice'));
    assert.deepEqual(local.sent.map((reply) => reply.text), [BUSY_REPLY, BUSY_REPLY, BUSY_REPLY]);
    assert.ok(local.requestLines().every((l) => l.notice === undefined));
  });

  it('an interval of 0 posts every notice', async () => {
    const p = pipeline({ intervalSecs: 0 });
    await p.send(message('alice'), message('alice'));
    assert.deepEqual(p.sent.map((reply) => reply.text), [BUSY_REPLY, BUSY_REPLY]);
  });

  it('a store that fails: the notice is posted and a warning logged', async () => {
    const failing = new MemoryStore({ sweepIntervalMs: 60_000 });
    failing.set = () => Promise.reject(new Error('store down'));
    const p = pipeline({ store: failing });
    await p.send(message('alice'), message('alice'));
    assert.equal(p.sent.length, 2);
    assert.ok(p.logger.lines.some((l) => l.level === 'warn' && /earlier refusal notice/.test(l.message ?? '')));
  });

  it('always tells a user their queued message was dropped by a restart, after a busy notice too', async () => {
    const replies: Array<Pick<TaskOutcome, 'status' | 'reply' | 'errorCode'>> = [
      { status: 'busy', reply: BUSY_REPLY, errorCode: 'queue_full' },
      { status: 'busy', reply: SHUTTING_DOWN_REPLY, errorCode: 'closed' },
      { status: 'busy', reply: SHUTTING_DOWN_REPLY, errorCode: 'closed' },
    ];
    let next = 0;
    const store = new MemoryStore({ sweepIntervalMs: 60_000 });
    const { pipeline: created, sent, requestLines } = fakePipeline(snapshot, {
      runtime: { run: async (submission) => ({ requestId: submission.requestId, latencyMs: 1, queuedMs: 0, tokensUsed: 0, ...replies[next++]! }) },
      notices: new RefusalNotices(() => store),
    });
    for (const m of [message('alice'), message('alice'), message('alice')]) {
      await created.submit(m);
      await created.idle();
    }
    assert.deepEqual(sent.map((reply) => reply.text), [BUSY_REPLY + HINT(30), SHUTTING_DOWN_REPLY, SHUTTING_DOWN_REPLY]);
    assert.deepEqual(requestLines().map((l) => l.notice), [undefined, undefined, undefined]);
  });

  it('gives the claim back when the first notice could not be posted, so the next one is', async () => {
    const store = new MemoryStore({ sweepIntervalMs: 60_000 });
    let failures = 1;
    const sent: string[] = [];
    const { pipeline: created, requestLines } = fakePipeline(snapshot, {
      runtime: { run: async (submission) => outcome(submission.requestId, 'busy', BUSY_REPLY) },
      notices: new RefusalNotices(() => store),
    }, {
      send: async (reply) => {
        if (failures-- > 0) throw new Error('429 for ever');
        sent.push(reply.text);
        return { messageId: String(sent.length), channelId: reply.channelId };
      },
    });
    // One after another, as a user's messages arrive.
    for (const m of [message('alice'), message('alice'), message('alice')]) {
      await created.submit(m);
      await created.idle();
    }
    assert.deepEqual(requestLines().map((l) => [l.status, l.notice]), [['reply_failed', undefined], ['busy', undefined], ['busy', 'held']]);
    assert.deepEqual(sent, [BUSY_REPLY + HINT(30)]);
  });

  it('after the interval the user is told again', async () => {
    const store = new MemoryStore({ sweepIntervalMs: 60_000 });
    const notices = new RefusalNotices(() => store);
    const m = message('alice');
    assert.equal(await notices.claim(m, 'busy', 300), true);
    assert.equal(await notices.claim(m, 'busy', 300), false);
    assert.equal(await notices.claim(m, 'rate_limited', 300), true);
    await sleep(400);
    assert.equal(await notices.claim(m, 'busy', 300), true);
  });
});
