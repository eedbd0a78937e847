import { shownChannel, type InboundMessage, type LoadedFlow, type Logger } from '@aof/api';
import { organizationOf } from '../limits/organization.js';
import type { RecentRequests, RequestLogLine } from '../logging/recent-requests.js';
import type { SecretScrubber } from '../logging/secret-scrubber.js';
import type { TaskOutcome } from '../runtime/agent-runtime.js';

export interface RequestLogEntry {
  requestId: string;
  message: InboundMessage;
  flow: LoadedFlow | null;
  agent: string | null;
  /** ok, error, busy, timeout, rate_limited, dropped, reply_failed, ... */
  status: string;
  latencyMs: number;
  outcome?: TaskOutcome;
  /** Why the message was not answered normally (dropped, refused by a limit). */
  reason?: string;
  /** For `rate_limited`: the limit's metric scope (`organization`, `user_tokens`, ...). */
  limit?: string;
  /** `held`: the refusal notice was not posted (the user had one in this channel a moment ago). */
  notice?: 'held';
}

const MAX_ACTION_LENGTH = 200;

/** Tool calls that failed or were refused: a request can be `ok` (the model answered) while its tools were not. */
function failedTools(outcome: TaskOutcome | undefined): number {
  return outcome?.result?.toolCalls.filter((call) => !call.ok).length ?? 0;
}

/**
 * What the agent did, in the seed's log format: the first tool call as a command line, else the
 * command waiting for approval, else "reply".
 */
export function actionOf(outcome: TaskOutcome | undefined): string {
  const call = outcome?.result?.toolCalls[0];
  const waiting = outcome?.result?.pending?.command;
  if (call === undefined && waiting !== undefined) return [waiting.tool, ...waiting.argv].join(' ').slice(0, MAX_ACTION_LENGTH);
  if (call === undefined) return outcome?.status === 'ok' ? 'reply' : 'none';
  const args = Array.isArray(call.args.args) ? call.args.args : Array.isArray(call.args.argv) ? call.args.argv : [];
  return [call.name, ...args.map(String)].join(' ').slice(0, MAX_ACTION_LENGTH);
}

/**
 * Exactly one JSON line per handled message, with the seed's fields, whatever happened to it;
 * the newest lines are also kept for the admin API.
 */
export class RequestLog {
  readonly #logger: Logger;
  readonly #recent: RecentRequests;
  readonly #scrubber: SecretScrubber;

  constructor(logger: Logger, recent: RecentRequests, scrubber: SecretScrubber) {
    this.#logger = logger;
    this.#recent = recent;
    this.#scrubber = scrubber;
  }

  write(entry: RequestLogEntry): void {
    const { message, outcome } = entry;
    const toolsFailed = failedTools(outcome);
    const line: Record<string, unknown> = {
      request_id: entry.requestId,
      flow: entry.flow?.flow.metadata.name ?? null,
      organization: organizationOf(entry.flow) || null,
      platform: message.platform,
      channel: shownChannel(message.channel),
      user: message.user.id,
      agent: entry.agent,
      action: actionOf(outcome),
      latency_ms: entry.latencyMs,
      tokens_used: outcome?.tokensUsed ?? 0,
      status: entry.status,
      ...(entry.reason !== undefined && { reason: entry.reason }),
      ...(entry.limit !== undefined && { limit: entry.limit }),
      ...(entry.notice !== undefined && { notice: entry.notice }),
      ...(toolsFailed > 0 && { tools_failed: toolsFailed }),
      ...(outcome?.errorCode !== undefined && { error_code: outcome.errorCode }),
    };
    this.#logger.info(line, 'request');
    // The admin API serves these lines, so they get the same secret scrubbing as the log
    // (every field is a string, a number or null: each string is scrubbed on its own).
    const kept: Record<string, unknown> = { timestamp: new Date().toISOString() };
    for (const key in line) {
      const value = line[key];
      kept[key] = typeof value === 'string' ? this.#scrubber.scrub(value) : value;
    }
    this.#recent.add(kept as RequestLogLine);
  }
}
