/**
 * What the runtime hands back for every submission, and the user-facing wording of each way a
 * task can end. Replies say what happened and what to do; operator detail goes to `detail`.
 */
import type { TaskResult } from '../../sandbox/protocol.js';
import { SandboxFailure } from './executor.js';

export type OutcomeStatus = 'ok' | 'error' | 'busy' | 'timeout' | 'crashed' | 'out_of_memory' | 'awaiting_approval';

export interface TaskOutcome {
  requestId: string;
  status: OutcomeStatus;
  /** What to post in the thread; always set. */
  reply: string;
  /** The worker's result, when the task ran to a result (ok or a handled error). */
  result?: TaskResult;
  /** From submission to outcome, queue included. */
  latencyMs: number;
  /** Waiting for an admission slot. */
  queuedMs: number;
  tokensUsed: number;
  /** Why it did not succeed: a TaskErrorCode, an admission reason, or a runtime code. */
  errorCode?: string;
  /** Operator-facing detail for the log line (never secrets, never shown to users). */
  detail?: string;
}

/** Everything about an outcome except its timing, which the runtime fills in. */
export type OutcomeBody = Omit<TaskOutcome, 'requestId' | 'latencyMs' | 'queuedMs'>;

/** Abort reasons the runtime gives the executor, so a rejection can be told apart from a crash. */
export const ABORT_TIMEOUT = 'task_timeout';
export const ABORT_SHUTDOWN = 'runtime_shutdown';

export interface FailureLimits {
  taskTimeoutMs: number;
  maxMemoryMb: number;
}

export function timeoutReply(taskTimeoutMs: number): string {
  return `The task took longer than ${Math.round(taskTimeoutMs / 1000)} s and was stopped.`;
}

export function resultOutcome(result: TaskResult, limits: FailureLimits): OutcomeBody {
  // A worker's counts are the sandbox's to check; these must stay a finite, non-negative whole number for budgets and metrics.
  const total = result.usage.inputTokens + result.usage.outputTokens;
  const tokensUsed = Number.isFinite(total) && total > 0 ? Math.round(total) : 0;
  if (result.status === 'ok') return { status: 'ok', reply: result.reply, result, tokensUsed };
  // The approval service posts the request and keeps `result.pending` until someone decides.
  if (result.status === 'awaiting_approval') return { status: 'awaiting_approval', reply: result.reply, result, tokensUsed };
  const code = result.error?.code ?? 'internal';
  const body: OutcomeBody = code === 'timeout'
    ? { status: 'timeout', reply: timeoutReply(limits.taskTimeoutMs), result, tokensUsed, errorCode: code }
    : { status: 'error', reply: result.reply, result, tokensUsed, errorCode: code };
  if (result.error?.message !== undefined) body.detail = result.error.message;
  return body;
}

/** A task the sandbox lost: timed out, stopped for shutdown, out of memory, or crashed. */
export function failureOutcome(error: unknown, abortReason: unknown, limits: FailureLimits): OutcomeBody {
  const detail = error instanceof Error ? error.message : String(error);
  if (abortReason === ABORT_TIMEOUT) {
    return { status: 'timeout', reply: timeoutReply(limits.taskTimeoutMs), tokensUsed: 0, errorCode: 'timeout', detail };
  }
  if (abortReason === ABORT_SHUTDOWN) {
    return {
      status: 'error',
      reply: 'AOF was restarting, so this request was stopped. Please try again in a minute.',
      tokensUsed: 0,
      errorCode: 'cancelled',
      detail,
    };
  }
  if (error instanceof SandboxFailure && error.kind === 'out_of_memory') {
    return {
      status: 'out_of_memory',
      reply: `The task ran out of memory (limit ${limits.maxMemoryMb} MB) and was stopped.`,
      tokensUsed: 0,
      errorCode: 'out_of_memory',
      detail,
    };
  }
  return {
    status: 'crashed',
    reply: 'The task crashed and was stopped. An operator can find the details in the daemon logs.',
    tokensUsed: 0,
    errorCode: 'crashed',
    detail,
  };
}
