import { Counter, Histogram, type Registry } from 'prom-client';

/** One handled message, as the request metrics see it. Labels stay bounded: no user ids or text. */
export interface RequestSample {
  flow: string;
  platform: string;
  agent: string;
  organization: string;
  status: string;
  latencySeconds: number;
  tokensUsed: number;
  /** Set when the request failed: timeout, crashed, model_error, ... */
  errorType?: string;
  /** The tool calls the agent made (TaskResult.toolCalls), whatever became of the request. */
  toolCalls?: readonly ToolCallSample[];
}

export interface ToolCallSample {
  name: string;
  ok: boolean;
  /** Set when policy refused the call; its name is then whatever the model asked for. */
  refused?: string;
}

export interface RequestSeries {
  record(sample: RequestSample): void;
  /** Tokens used outside a handled message's own run (an approved run resumed later). */
  tokens(flow: string, organization: string, used: number): void;
}

export function requestSeries(registry: Registry): RequestSeries {
  const requests = new Counter({
    name: 'agentflow_requests_total',
    help: 'Messages handled, by flow, platform and agent.',
    labelNames: ['flow', 'platform', 'agent'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'agentflow_latency_seconds',
    help: 'Time from receiving a message to its reply, by flow and agent.',
    labelNames: ['flow', 'agent'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'agentflow_errors_total',
    help: 'Failed requests, by flow and error type.',
    labelNames: ['flow', 'error_type'],
    registers: [registry],
  });
  const toolCalls = new Counter({
    name: 'agentflow_tool_calls_total',
    help: 'Tool calls by flow, tool and result (ok, failed: ran and failed, refused: stopped by policy; refused calls carry no tool name, the model may have made it up).',
    labelNames: ['flow', 'tool', 'result'],
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'agentflow_tokens_used_total',
    help: 'Model tokens used, by flow and organization.',
    labelNames: ['flow', 'organization'],
    registers: [registry],
  });
  return {
    record(sample) {
      requests.inc({ flow: sample.flow, platform: sample.platform, agent: sample.agent });
      latency.observe({ flow: sample.flow, agent: sample.agent }, sample.latencySeconds);
      if (sample.errorType !== undefined) errors.inc({ flow: sample.flow, error_type: sample.errorType });
      if (sample.tokensUsed > 0) tokens.inc({ flow: sample.flow, organization: sample.organization }, sample.tokensUsed);
      for (const call of sample.toolCalls ?? []) {
        // Only calls policy let through name a tool the agent has: the label stays bounded.
        const labels = call.refused !== undefined
          ? { flow: sample.flow, tool: '', result: 'refused' }
          : { flow: sample.flow, tool: call.name, result: call.ok ? 'ok' : 'failed' };
        toolCalls.inc(labels);
      }
    },
    tokens(flow, organization, used) {
      if (used > 0) tokens.inc({ flow, organization }, used);
    },
  };
}
