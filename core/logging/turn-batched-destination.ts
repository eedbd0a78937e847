import { writeSync } from 'node:fs';
import type { DestinationStream } from 'pino';

/** How long to wait before writing again to a non-blocking pipe that is full. */
const FULL_PIPE_WAIT_MS = 1;

let stdout: DestinationStream | undefined;

/**
 * Standard output for the JSON log, written once per turn of the event loop instead of once per
 * line: under load a turn logs several request lines, and every write is a system call (measured
 * at 15-50 µs of the main thread each on this project's 2-core VMs). Lines are still written
 * synchronously, at the end of the turn that logged them (a full pipe is waited for, as pino's
 * own sync destination does), and whatever is buffered is written when the process exits; only a
 * SIGKILL can lose lines, those of its last turn. One per process: every logger shares it.
 */
export function turnBatchedStdout(): DestinationStream {
  stdout ??= turnBatched(1);
  return stdout;
}

function turnBatched(fd: number): DestinationStream {
  let pending: string[] = [];
  let scheduled = false;
  let broken = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.length === 1 ? pending[0]! : pending.join('');
    pending = [];
    if (!broken) broken = !writeAll(fd, text);
  };
  process.once('exit', flush);
  return {
    write(line: string): void {
      pending.push(line);
      if (scheduled) return;
      scheduled = true;
      setImmediate(flush);
    },
  };
}

/** False once the reader is gone (EPIPE): nobody will read the log again, and that must not stop the daemon. */
function writeAll(fd: number, text: string): boolean {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return false;
      if (code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, FULL_PIPE_WAIT_MS);
    }
  }
  return true;
}
