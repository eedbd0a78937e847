/**
 * The message pipeline's failure paths that real HTTP cannot reach (a platform whose send
 * fails, a runtime that throws, a limit store that is down), with the pipeline's collaborators
 * faked and the real router: every path still writes exactly one request line.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InboundMessage, PlatformInstance } from '@aof/api';
import type { ConfigSnapshot } from '../../core/daemon/config-snapshot.js';
import type { PipelineOptions } from '../../core/daemon/message-pipeline.js';
import { fakePipeline } from './pipeline-harness.js';
import { copyDeployment, pipelineSnapshot, sample, type Deployment } from './support.js';

function message(text: string, kind: InboundMessage['kind'] = 'message'): InboundMessage {
  return { id: `m-${Math.random()}`, platform: 'local', channel: { id: 'ops', name: 'ops' }, user: { id: 'alice' }, text, kind, receivedAt: Date.now() };
}

describe('every pipeline path writes exactly one request line', () => {
  let deployment: Deployment;
  let snapshot: ConfigSnapshot;
  before(async () => {
    deployment = await copyDeployment();
    snapshot = await pipelineSnapshot(deployment);
  });
  after(() => deployment.remove());

  const pipeline = (overrides: Partial<PipelineOptions>) => fakePipeline(snapshot, overrides);

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
