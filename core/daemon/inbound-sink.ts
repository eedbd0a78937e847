import { randomUUID } from 'node:crypto';
import type { InboundMessage, InboundSink, Logger, SubmitResult } from '@aof/api';
import type { FlowRouter } from '../router/flow-router.js';
import type { KernelMetrics } from '../metrics/metrics.js';

export interface InboundSinkOptions {
  /** The router in force now; read per message so a reload swaps it atomically. */
  router: () => FlowRouter;
  metrics: KernelMetrics;
  logger: Logger;
}

/** Where platform plugins hand over messages: route each one and record the decision. */
export function createInboundSink(options: InboundSinkOptions): InboundSink {
  return {
    async submit(message: InboundMessage): Promise<SubmitResult> {
      const requestId = randomUUID();
      const decision = options.router().routeBest(message);
      const flowName = decision.flow?.flow.metadata.name ?? null;
      // No flow and no default agent leaves nobody to answer: that counts as dropped too.
      const result = decision.fallback ? 'fallback' : decision.flow ? 'routed' : 'dropped';
      options.metrics.recordRoute(flowName ?? '', result);
      options.logger.info({
        request_id: requestId,
        platform: message.platform,
        channel: message.channel.name ?? message.channel.id,
        user: message.user.id,
        flow: flowName,
        agent: decision.agent,
        score: decision.score,
        route: result,
      }, 'message routed');
      if (decision.dropped || decision.agent === null) {
        return { status: 'dropped', requestId, reason: decision.dropped ? 'strict_mode: no flow matched' : 'no flow matched and no default_agent' };
      }
      return { status: 'accepted', requestId };
    },
  };
}
