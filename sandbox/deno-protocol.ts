/**
 * How the kernel and a Deno sandbox process talk: the TaskRequest as JSON on stdin, the
 * TaskResult as the last line of stdout. Both sides import this file, so the framing lives in
 * one place; plain web APIs only, as it also runs under Deno.
 */
import { TaskErrorCode, type TaskResult } from './protocol.js';

/** The result on a line of its own, so stray bytes a module wrote to stdout cannot run into it. */
export function encodeResult(result: TaskResult): string {
  return `\n${JSON.stringify(result)}\n`;
}

/** The result in a process's stdout, or undefined when the last line is not one. */
export function decodeResult(stdout: string): TaskResult | undefined {
  const line = stdout.trimEnd().split('\n').at(-1) ?? '';
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return isTaskResult(value) ? value : undefined;
}

function isTaskResult(value: unknown): value is TaskResult {
  if (typeof value !== 'object' || value === null) return false;
  const result = value as Partial<Record<keyof TaskResult, unknown>>;
  const usage = result.usage as Partial<Record<string, unknown>> | undefined;
  // A run suspended for approval carries what is needed to resume it exactly.
  const status = result.status === 'ok' || result.status === 'error' ||
    (result.status === 'awaiting_approval' && typeof result.pending === 'object' && result.pending !== null);
  return typeof result.taskId === 'string' && status &&
    typeof result.reply === 'string' && typeof usage?.inputTokens === 'number' && typeof usage.outputTokens === 'number' &&
    Array.isArray(result.toolCalls) && Array.isArray(result.newMessages);
}

/** stdin that is not JSON at all; JSON that is not a TaskRequest is runTask's to answer. */
export function malformedInputResult(detail: string): TaskResult {
  return {
    taskId: '',
    status: 'error',
    reply: 'Sorry, something went wrong inside the daemon.',
    usage: { inputTokens: 0, outputTokens: 0 },
    toolCalls: [],
    newMessages: [],
    error: { code: TaskErrorCode.BAD_REQUEST, message: `invalid task request: stdin is not JSON: ${detail}` },
  };
}
