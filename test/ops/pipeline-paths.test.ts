/**
 * The message pipeline's failure paths that real HTTP cannot reach (a platform whose send
 * fails, a runtime that throws, a limit store that is down), with the pipeline's collaborators
 * faked and the real router: every path still writes exactly one request line.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InboundMessage, OutboundReply, PlatformInstance, SentMessage } from '@aof/api';
import { MemoryStore } from '@aof/plugin-store-memory';
import type { ConfigSnapshot } from '../../core/daemon/config-snapshot.js';
import { createMessagePipeline, type PipelineOptions } from '../../core/daemon/message-pipeline.js';
import { RefusalNotices } from '../../core/daemon/refusal-notices.js';
import { RequestLog } from '../../core/daemon/request-log.js';
import { RecentRequests } from '../../core/logging/recent-requests.js';
import { SecretScrubber } from '../../core/logging/secret-scrubber.js';
import { createMetrics } from '../../core/metrics/metrics.js';
import type { TaskOutcome } from '../../core/runtime/agent-runtime.js';
import { recordingLogger } from '../kernel/support.js';
import { copyDeployment, pipelineSnapshot, sample, type Deployment } from './support.js';

function message(text: string, kind: InboundMessage['kind'] = 'message'): InboundMessage {
  return { id: `m-${Math.random()}`, platform: 'local', channel: { id: 'ops', name: 'ops' }, user: { id: 'alice' }, text, kind, receivedAt: Date.now() };
}

const okOutcome = (requestId: string): TaskOutcome => ({ requestId, status: 'ok', reply: 'done', latencyMs: 1, queuedMs: 0, tokensUsed: 0 });

describe('every pipeline path writes exactly one request line', () => {
  let deployment: Deployment;
  let snapshot: ConfigSnapshot;
  before(async () => {
    deployment = await copyDeployment();
    snapshot = await pipelineSnapshot(deployment);
  });
  after(() => deployment.remove());

  function pipeline(overrides: Partial<PipelineOptions>, sent: OutboundReply[] = []) {
    const logger = recordingLogger();
    const metrics = createMetrics();
    const platform: PlatformInstance = { platform: 'local', send: async (reply): Promise<SentMessage> => { sent.push(reply); return { messageId: '1', channelId: reply.channelId }; } };
    const created = createMessagePipeline({
      snapshot: () => snapshot,
      runtime: { run: async (submission) => okOutcome(submission.requestId) },
      limits: { admit: async () => ({ allowed: true }), recordTokens: async () => undefined },
      platforms: () => new Map([['local', platform]]),
      metrics,
      logger,
      requestLog: new RequestLog(logger, new RecentRequests(), new SecretScrubber()),
      approvals: () => undefined,
      scrub: (text) => text,
      notices: new RefusalNotices(() => new MemoryStore({ sweepIntervalMs: 60_000 })),
      ...overrides,
    });
    const requestLines = () => logger.lines.filter((line) => line.message === 'request').map((line) => line.fields);
    return { pipeline: created, logger, metrics, requestLines, sent };
  }

  it('a reply the platform cannot deliver: reply_failed', async () => {
    const failing: PlatformInstance = { platform: 'local', send: () => Promise.reject(new Error('chat API is down')) };
    const p = pipeline({ platforms: () => new Map([['local', failing]]) });
    await p.pipeline.submit(message('kubectl get pods'));
    await p.pipeline.idle();
    assert.deepEqual(p.requestLines().map((l) => l.status), ['reply_failed']);
    assert.equal(sample(await p.metrics.registry.metrics(), 'agentflow_errors_total', { flow: 'ops-flow', error_type: 'reply_failed' }), 1);
  });

  it('a runtime that throws: an apology to the user and status error', async () => {
    const p = pipeline({ runtime: { run: () => Promise.reject(new Error('bug')) } });
    await p.pipeline.submit(message('kubectl get pods'));
    await p.pipeline.idle();
    assert.deepEqual(p.requestLines().map((l) => l.status), ['error']);
    assert.match(p.sent[0]?.text ?? '', /something went wrong inside AOF/);
  });

  it('a limit store that fails lets the message through', async () => {
    const p = pipeline({ limits: { admit: () => Promise.reject(new Error('store down')), recordTokens: () => Promise.reject(new Error('store down')) } });
    await p.pipeline.submit(message('kubectl get pods'));
    await p.pipeline.idle();
    assert.deepEqual(p.requestLines().map((l) => l.status), ['ok']);
    assert.ok(p.logger.lines.some((l) => l.level === 'warn' && /rate limits could not be checked/.test(l.message ?? '')));
  });

  it('a reaction with no pending approval: dropped', async () => {
    const p = pipeline({});
    const result = await p.pipeline.submit(message('', 'reaction'));
    assert.equal(result.status, 'dropped');
    assert.deepEqual(p.requestLines().map((l) => l.status), ['dropped']);
  });
});
