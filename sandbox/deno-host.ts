/**
 * SandboxHost for Deno: the same contract as node-host (argv without a shell, exactly the given
 * env, timeout kill, capped output), on Deno.Command. Deno checks every spawn against the
 * process's --allow-run list; a refusal comes back as a failed spawn whose stderr says so.
 */
import { truncationMarker, type SandboxHost, type SpawnOptions, type SpawnResult } from '@aof/api';
import { denoNamespace, type DenoChildProcess, type DenoNamespace } from './deno-api.js';

/** After the child exits, how long its stdio may stay open (a grandchild holding the pipe) before we stop reading. */
const STDIO_GRACE_MS = 500;

/** Keeps the first `max` bytes of a stream and counts the rest. */
class CappedOutput {
  private readonly chunks: Uint8Array[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly max: number) {}

  push(chunk: Uint8Array): void {
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
    const bytes = new Uint8Array(this.kept);
    let offset = 0;
    for (const chunk of this.chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    // Streaming decode holds back a character cut in half by the cap instead of emitting U+FFFD.
    const text = new TextDecoder().decode(bytes, { stream: true });
    const dropped = this.dropped + bytes.length - new TextEncoder().encode(text).length;
    return dropped > 0 ? text + truncationMarker(dropped) : text;
  }
}

/** Reads a stream into `sink` until it ends or `stop` fires (then the read is cancelled). */
async function drain(stream: ReadableStream<Uint8Array>, sink: CappedOutput, stop: Promise<void>): Promise<void> {
  const reader = stream.getReader();
  const stopped = stop.then(() => reader.cancel().catch(() => undefined));
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), stopped.then(() => ({ done: true as const, value: undefined }))]);
      if (next.done) return;
      sink.push(next.value);
    }
  } catch {
    // A cancelled or broken pipe ends the output; what was read so far stands.
  }
}

function failed(stderr: string, extra: Partial<SpawnResult> = {}): SpawnResult {
  return { exitCode: null, stdout: '', stderr, truncated: false, timedOut: false, notFound: false, ...extra };
}

/** Deno's "Requires run access to "x", run again with the --allow-run flag", minus advice meant for a terminal user. */
function refusal(error: Error): string {
  return `permission denied by the Deno sandbox: ${error.message.replace(/, run again with .*$/s, '')}`;
}

function startChild(deno: DenoNamespace, file: string, args: string[], options: SpawnOptions): DenoChildProcess | SpawnResult {
  try {
    return new deno.Command(file, {
      args,
      clearEnv: true,
      env: options.env,
      stdin: options.stdin === undefined ? 'null' : 'piped',
      stdout: 'piped',
      stderr: 'piped',
    }).spawn();
  } catch (error) {
    if (error instanceof deno.errors.NotFound) return failed('', { notFound: true });
    if (error instanceof deno.errors.NotCapable) return failed(refusal(error));
    return failed(`failed to start ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function writeStdin(child: DenoChildProcess, text: string): Promise<void> {
  const writer = child.stdin.getWriter();
  try {
    await writer.write(new TextEncoder().encode(text));
    await writer.close();
  } catch {
    // A child that exits without reading its stdin breaks the pipe: not our error.
  }
}

async function spawnProcess(deno: DenoNamespace, argv: string[], options: SpawnOptions): Promise<SpawnResult> {
  const [file, ...args] = argv;
  if (file === undefined || file === '') return failed('nothing to run: empty argv');
  if (options.signal?.aborted) return failed('cancelled before start', { timedOut: true });
  const child = startChild(deno, file, args, options);
  if (!('status' in child)) return child;

  let timedOut = false;
  const kill = (): void => {
    timedOut = true;
    try {
      child.kill('SIGKILL');
    } catch {
      // Already exited.
    }
  };
  const timer = setTimeout(kill, options.timeoutMs);
  options.signal?.addEventListener('abort', kill, { once: true });
  if (options.stdin !== undefined) void writeStdin(child, options.stdin);

  const stdout = new CappedOutput(options.maxOutputBytes);
  const stderr = new CappedOutput(options.maxOutputBytes);
  const status = child.status;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const stopReading = status.then(() => new Promise<void>((resolve) => {
    graceTimer = setTimeout(resolve, STDIO_GRACE_MS);
  }));
  try {
    const [exit] = await Promise.all([status, drain(child.stdout, stdout, stopReading), drain(child.stderr, stderr, stopReading)]);
    const note = exit.signal !== null && !timedOut ? `${stderr.text() === '' ? '' : '\n'}[terminated by ${exit.signal}]` : '';
    return {
      exitCode: exit.signal === null ? exit.code : null,
      stdout: stdout.text(),
      stderr: stderr.text() + note,
      truncated: stdout.truncated || stderr.truncated,
      timedOut,
      notFound: false,
    };
  } finally {
    clearTimeout(timer);
    clearTimeout(graceTimer);
    options.signal?.removeEventListener('abort', kill);
  }
}

/**
 * `envKeys` are the variables this process may read (its --allow-env list): Deno refuses to list
 * the whole environment under a narrowed grant, so `env()` reads them one by one.
 */
export function createDenoHost(envKeys: readonly string[]): SandboxHost {
  const deno = denoNamespace();
  return {
    spawn: (argv, options) => spawnProcess(deno, argv, options),
    env: () => Object.fromEntries(envKeys.flatMap((key) => {
      const value = deno.env.get(key);
      return value === undefined ? [] : [[key, value] as const];
    })),
    now: () => Date.now(),
    fetch: (input, init) => globalThis.fetch(input, init),
  };
}
