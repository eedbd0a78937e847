import { randomUUID } from 'node:crypto';
import type { InboundMessage, InboundSink, LoadedFlow, Logger, PlatformInstance, SubmitResult } from '@aof/api';
import type { ApprovalGate } from '../approvals/types.js';
import type { LimitRefusal, LimitSubject, LimitVerdict, RateLimits } from '../limits/rate-limits.js';
import { organizationOf } from '../limits/organization.js';
import type { KernelMetrics } from '../metrics/metrics.js';
import type { AgentRuntime, TaskOutcome } from '../runtime/agent-runtime.js';
import type { ConfigSnapshot } from './config-snapshot.js';
import { DEFAULT_REFUSAL_NOTICE_INTERVAL_SECS, RefusalNotices } from './refusal-notices.js';
import type { RequestLog } from './request-log.js';

export interface PipelineOptions {
  /** The configuration in force now; read once per message. */
  snapshot: () => ConfigSnapshot;
  runtime: Pick<AgentRuntime, 'run'>;
  limits: Pick<RateLimits, 'admit' | 'recordTokens'>;
  /** Platform plugins by platform name. */
  platforms: () => ReadonlyMap<string, PlatformInstance>;
  metrics: KernelMetrics;
  logger: Logger;
  requestLog: RequestLog;
  /** Undefined until the approval service is up (no message arrives before it). */
  approvals: () => ApprovalGate | undefined;
  /** Masks secret values in replies; the reply kept in memory stays raw. */
  scrub: (text: string) => string;
  /** Folds repeated busy / rate-limited notices to one user in one channel. */
  notices: Pick<RefusalNotices, 'claim' | 'release'>;
}

export interface MessagePipeline extends InboundSink {
  /** Resolves when every accepted message has been answered (for graceful shutdown). */
  idle(): Promise<void>;
  inFlight(): number;
}

/** One accepted message on its way to an answer, with the snapshot it was routed on. */
interface Handling {
  requestId: string;
  message: InboundMessage;
  snapshot: ConfigSnapshot;
  flow: LoadedFlow;
  agent: string;
}

/** What the user is told, and why. */
interface Answer {
  status: string;
  reply: string;
  outcome?: TaskOutcome;
  refusal?: LimitRefusal;
  errorType?: string;
  /** The approval service already posted the answer (the approval request). */
  delivered?: boolean;
}

const INTERNAL_ERROR_REPLY = 'Sorry, something went wrong inside AOF. An operator can find the details in the daemon logs.';

/**
 * What happens to a message after its platform accepted it: route, check limits, run the agent
 * in the flow's sandbox, reply in the thread, log one line. `submit` returns as soon as the
 * message is routed, so platforms can ack before anything slow happens.
 */
export function createMessagePipeline(options: PipelineOptions): MessagePipeline {
  const running = new Set<Promise<void>>();
  const { logger, metrics } = options;

  async function answer(handling: Handling): Promise<Answer> {
    const { requestId, message, snapshot, flow, agent } = handling;
    const subject: LimitSubject = { limits: snapshot.config.daemon.spec.limits, flow, message };
    const verdict = await admit(subject, requestId);
    if (!verdict.allowed) return { status: 'rate_limited', reply: verdict.refusal.reply, refusal: verdict.refusal };
    const outcome = await options.runtime.run({ requestId, flow, agentName: agent, agent: snapshot.agents.get(agent), message });
    // Turned away by admission (queue full, the user's tasks, shutting down): nothing ran, so nothing is counted.
    if (outcome.status === 'busy') {
      await verdict.refund().catch((error: unknown) => {
        logger.warn({ request_id: requestId, err: error }, 'could not take a refused message back off the request limits');
      });
    }
    await options.limits.recordTokens(subject, outcome.tokensUsed).catch((error: unknown) => {
      logger.warn({ request_id: requestId, err: error }, 'could not record tokens against the token budgets');
    });
    const approvals = options.approvals();
    if (outcome.status === 'awaiting_approval' && approvals !== undefined) {
      const suspended = await approvals.suspend({ requestId, message, flow, agent, outcome });
      // Only a request the service posted itself is delivered; its refusals are posted like any answer.
      return { status: suspended.status, reply: suspended.reply, outcome, ...(suspended.delivered && { delivered: true }), ...(suspended.status !== 'awaiting_approval' && { errorType: 'approval_failed' }) };
    }
    return {
      status: outcome.status,
      reply: outcome.reply,
      outcome,
      ...(outcome.status !== 'ok' && outcome.status !== 'awaiting_approval' && { errorType: outcome.errorCode ?? outcome.status }),
    };
  }

  /** A limit store that fails lets messages through: losing the answer would cost more than an unmetered request. */
  async function admit(subject: LimitSubject, requestId: string): Promise<LimitVerdict> {
    try {
      return await options.limits.admit(subject);
    } catch (error) {
      logger.warn({ request_id: requestId, err: error }, 'rate limits could not be checked; letting the message through');
      return { allowed: true, refund: async () => undefined };
    }
  }

  /** Posts the answer in the message's thread; false when the platform could not take it. */
  async function deliver(handling: Handling, answered: Answer, latencyMs: number): Promise<boolean> {
    const { message, requestId } = handling;
    try {
      const platform = options.platforms().get(message.platform);
      if (platform === undefined) throw new Error(`no platform plugin for ${message.platform}`);
      await platform.send({
        platform: message.platform,
        ...(message.workspace !== undefined && { workspace: message.workspace }),
        channelId: message.channel.id,
        ...(message.thread !== undefined && { thread: message.thread }),
        text: options.scrub(answered.reply),
        replyTo: message.id,
        outcome: { requestId, flow: handling.flow.flow.metadata.name, agent: handling.agent, status: answered.status, latencyMs },
      });
      return true;
    } catch (error) {
      logger.error({ request_id: requestId, platform: message.platform, err: error }, 'could not deliver the reply');
      return false;
    }
  }

  /**
   * What becomes of a refusal notice: `held` when the user was told of this kind of refusal in
   * this channel a moment ago, `first` when it is posted and the next ones will be held for
   * `intervalSecs`, `posted` when it is posted like any answer.
   */
  async function noticeFate(handling: Handling, answered: Answer): Promise<{ fate: 'held' | 'first' | 'posted'; intervalSecs: number }> {
    const { message, requestId, snapshot } = handling;
    const intervalSecs = snapshot.config.daemon.spec.runtime.refusal_notice_interval_secs ?? DEFAULT_REFUSAL_NOTICE_INTERVAL_SECS;
    const posted = { fate: 'posted' as const, intervalSecs };
    if (intervalSecs <= 0 || !RefusalNotices.foldable(message, answered.status, answered.errorType)) return posted;
    if (options.platforms().get(message.platform)?.answersEachMessage === true) return posted;
    try {
      return { fate: await options.notices.claim(message, answered.status, intervalSecs * 1000) ? 'first' : 'held', intervalSecs };
    } catch (error) {
      // Better one notice too many than a refusal nobody hears of.
      logger.warn({ request_id: requestId, err: error }, 'could not check for an earlier refusal notice; posting this one');
      return posted;
    }
  }

  async function handle(handling: Handling): Promise<void> {
    const { requestId, message, flow, agent } = handling;
    let answered: Answer;
    try {
      answered = await answer(handling);
    } catch (error) {
      logger.error({ request_id: requestId, err: error }, 'message handling failed');
      answered = { status: 'error', reply: INTERNAL_ERROR_REPLY, errorType: 'internal' };
    }
    const notice = answered.delivered === undefined ? await noticeFate(handling, answered) : undefined;
    const held = notice?.fate === 'held';
    if (held) metrics.refusalNoticeHeld(message.platform, answered.status);
    // The first notice says why the next ones will not come, so the silence that follows makes sense.
    if (notice?.fate === 'first') answered = { ...answered, reply: `${answered.reply}\n${heldNoticesHint(notice.intervalSecs)}` };
    const delivered = answered.delivered ?? (held || await deliver(handling, answered, Date.now() - message.receivedAt));
    if (!delivered && notice?.fate === 'first') {
      await options.notices.release(message, answered.status).catch((error: unknown) => {
        logger.warn({ request_id: requestId, err: error }, 'could not give back the claim of a refusal notice that was not posted');
      });
    }
    const status = delivered ? answered.status : 'reply_failed';
    const latencyMs = Date.now() - message.receivedAt;
    const flowName = flow.flow.metadata.name;
    if (answered.refusal !== undefined) metrics.rateLimited(answered.refusal.metricScope, flowName);
    const errorType = delivered ? answered.errorType : 'reply_failed';
    metrics.recordRequest({
      flow: flowName,
      platform: message.platform,
      agent,
      organization: organizationOf(flow),
      status,
      latencySeconds: latencyMs / 1000,
      tokensUsed: answered.outcome?.tokensUsed ?? 0,
      ...(errorType !== undefined && { errorType }),
      ...(answered.outcome?.result !== undefined && { toolCalls: answered.outcome.result.toolCalls }),
    });
    options.requestLog.write({
      requestId, message, flow, agent, status, latencyMs,
      ...(answered.outcome !== undefined && { outcome: answered.outcome }),
      ...(answered.refusal !== undefined && { reason: answered.refusal.reply, limit: answered.refusal.metricScope }),
      ...(held && { notice: 'held' as const }),
    });
  }

  function drop(requestId: string, message: InboundMessage, reason: string): SubmitResult {
    options.requestLog.write({ requestId, message, flow: null, agent: null, status: 'dropped', latencyMs: Date.now() - message.receivedAt, reason });
    return { status: 'dropped', requestId, reason };
  }

  function track(work: Promise<void>): void {
    running.add(work);
    void work.finally(() => running.delete(work));
  }

  /** Votes and approval commands go to the approval service, never to a flow. */
  async function claimApproval(message: InboundMessage, requestId: string): Promise<boolean> {
    let claim: Awaited<ReturnType<ApprovalGate['claim']>>;
    try {
      claim = await options.approvals()?.claim(message);
    } catch (error) {
      logger.error({ request_id: requestId, err: error }, 'could not look up the approval request of an event');
      return false;
    }
    if (claim === undefined) return false;
    const { approvalId } = claim;
    track(claim.settle().catch((error: unknown) => {
      logger.error({ request_id: requestId, approval_id: approvalId, err: error }, 'approval event handling failed');
    }));
    return true;
  }

  return {
    async submit(message: InboundMessage): Promise<SubmitResult> {
      const requestId = randomUUID();
      if (await claimApproval(message, requestId)) return { status: 'accepted', requestId };
      if (message.kind === 'reaction' || message.kind === 'button') return drop(requestId, message, 'no pending approval for this event');
      const snapshot = options.snapshot();
      const decision = snapshot.router.routeBest(message);
      const flow = decision.flow ?? (decision.fallback ? snapshot.defaultFlow ?? null : null);
      metrics.recordRoute(flow?.flow.metadata.name ?? '', decision.fallback ? 'fallback' : decision.flow ? 'routed' : 'dropped');
      if (flow === null || decision.agent === null) {
        return drop(requestId, message, decision.dropped ? 'no flow matched (routing.strict_mode)' : 'no flow matched and no routing.default_agent');
      }
      // handle() answers every failure itself; this only guards against a bug in the logging.
      const task = handle({ requestId, message, snapshot, flow, agent: decision.agent }).catch((error: unknown) => {
        logger.error({ request_id: requestId, err: error }, 'message handling failed');
      });
      track(task);
      return { status: 'accepted', requestId };
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled(running);
    },
    inFlight: () => running.size,
  };
}

function heldNoticesHint(intervalSecs: number): string {
  return `(Messages you send here in the next ${intervalSecs} s get no separate notice; send them again later.)`;
}
