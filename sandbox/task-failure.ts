import type { ModelErrorKind } from '@aof/api';
import type { TaskErrorCode } from './protocol.js';

/** Thrown inside the agent loop to end a task with a coded error; runTask turns it into a TaskResult. */
export class TaskFailure extends Error {
  readonly code: TaskErrorCode;
  /** What the user reads in the thread. */
  readonly reply: string;
  readonly modelErrorKind: ModelErrorKind | undefined;

  constructor(code: TaskErrorCode, message: string, reply: string, modelErrorKind?: ModelErrorKind) {
    super(message);
    this.name = 'TaskFailure';
    this.code = code;
    this.reply = reply;
    this.modelErrorKind = modelErrorKind;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
