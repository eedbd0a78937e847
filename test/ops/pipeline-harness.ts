/**
 * The message pipeline with its collaborators faked, over the real router of a snapshot: a
 * runtime that answers `done`, limits that let everything through, a `local` platform that
 * records what it is sent, and a memory store for refusal notices. Tests override what they
 * exercise.
 */
import type { OutboundReply, PlatformInstance, SentMessage } from '@aof/api';
import { MemoryStore } from '@aof/plugin-store-memory';
import type { ConfigSnapshot } from '../../core/daemon/config-snapshot.js';
import { createMessagePipeline, type PipelineOptions } from '../../core/daemon/message-pipeline.js';
import { RefusalNotices } from '../../core/daemon/refusal-notices.js';
import { RequestLog } from '../../core/daemon/request-log.js';
import { RecentRequests } from '../../core/logging/recent-requests.js';
import { SecretScrubber } from '../../core/logging/secret-scrubber.js';
import { createMetrics } from '../../core/metrics/metrics.js';
import { recordingLogger } from '../kernel/support.js';

/** `platform` is merged over the recording `local` platform (`answersEachMessage`, another `send`). */
export function fakePipeline(snapshot: ConfigSnapshot, overrides: Partial<PipelineOptions> = {}, platform: Partial<PlatformInstance> = {}) {
  const logger = recordingLogger();
  const metrics = createMetrics();
  const sent: OutboundReply[] = [];
  const local: PlatformInstance = {
    platform: 'local',
    send: async (reply): Promise<SentMessage> => {
      sent.push(reply);
      return { messageId: String(sent.length), channelId: reply.channelId };
    },
    ...platform,
  };
  const pipeline = createMessagePipeline({
    snapshot: () => snapshot,
    runtime: { run: async (submission) => ({ requestId: submission.requestId, status: 'ok', reply: 'done', latencyMs: 1, queuedMs: 0, tokensUsed: 0 }) },
    limits: { admit: async () => ({ allowed: true, refund: async () => undefined }), recordTokens: async () => undefined },
    platforms: () => new Map([['local', local]]),
    metrics,
    logger,
    requestLog: new RequestLog(logger, new RecentRequests(), new SecretScrubber()),
    approvals: () => undefined,
    scrub: (text) => text,
    notices: new RefusalNotices(() => new MemoryStore({ sweepIntervalMs: 60_000 })),
    ...overrides,
  });
  const requestLines = () => logger.lines.filter((line) => line.message === 'request').map((line) => line.fields);
  return { pipeline, logger, metrics, requestLines, sent };
}
