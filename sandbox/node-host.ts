/**
 * SandboxHost for Node (worker threads and tests). The only sandbox file that touches Node
 * APIs; a Deno host implements the same interface with Deno.Command.
 */
import { spawn as spawnChild } from 'node:child_process';
import { truncationMarker, type SandboxHost, type SpawnOptions, type SpawnResult } from '@aof/api';

/** After the child exits, how long its stdio may stay open (a grandchild holding the pipe) before we stop reading. */
const STDIO_GRACE_MS = 500;

/** Keeps the first `max` bytes of a stream and counts the rest. */
class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    const room = Math.max(0, this.max - this.kept);
    if (chunk.length > room) this.dropped += chunk.length - room;
    if (room > 0) {
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.chunks.push(part);
      this.kept += part.length;
    }
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  text(): string {
    // Streaming decode holds back a character cut in half by the cap instead of emitting U+FFFD.
    const bytes = Buffer.concat(this.chunks);
    const text = new TextDecoder().decode(bytes, { stream: true });
    const dropped = this.dropped + bytes.length - Buffer.byteLength(text);
    return dropped > 0 ? text + truncationMarker(dropped) : text;
  }
}

function spawnProcess(argv: string[], options: SpawnOptions): Promise<SpawnResult> {
  const [file, ...args] = argv;
  const failed = (stderr: string, extra: Partial<SpawnResult> = {}): SpawnResult =>
    ({ exitCode: null, stdout: '', stderr, truncated: false, timedOut: false, notFound: false, ...extra });
  if (file === undefined || file === '') return Promise.resolve(failed('nothing to run: empty argv'));
  if (options.signal?.aborted) return Promise.resolve(failed('cancelled before start', { timedOut: true }));

  return new Promise((resolve) => {
    const child = spawnChild(file, args, {
      env: options.env,
      shell: false,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout = new CappedOutput(options.maxOutputBytes);
    const stderr = new CappedOutput(options.maxOutputBytes);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // Without stdin the child reads EOF at once. One that exits without reading makes the write fail with EPIPE: not our error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin);

    let timedOut = false;
    let done = false;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const kill = (): void => {
      timedOut = true;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(kill, options.timeoutMs);
    options.signal?.addEventListener('abort', kill, { once: true });

    const finish = (result: Omit<SpawnResult, 'stdout' | 'stderr' | 'truncated' | 'timedOut'>, note = ''): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', kill);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({
        ...result,
        stdout: stdout.text(),
        stderr: stderr.text() + note,
        truncated: stdout.truncated || stderr.truncated,
        timedOut,
      });
    };
    const signalNote = (signal: NodeJS.Signals | null): string =>
      signal !== null && !timedOut ? `${stderr.text() === '' ? '' : '\n'}[terminated by ${signal}]` : '';

    child.on('error', (error: NodeJS.ErrnoException) => {
      const notFound = error.code === 'ENOENT';
      finish({ exitCode: null, notFound }, notFound ? '' : `failed to start ${file}: ${error.message}`);
    });
    child.on('exit', (code, signal) => {
      graceTimer = setTimeout(() => finish({ exitCode: code, notFound: false }, signalNote(signal)), STDIO_GRACE_MS);
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      finish({ exitCode: code, notFound: false }, signalNote(signal));
    });
  });
}

export function createNodeHost(): SandboxHost {
  return {
    spawn: spawnProcess,
    env: () => Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    now: () => Date.now(),
    fetch: (input, init) => globalThis.fetch(input, init),
  };
}
