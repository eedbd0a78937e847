/**
 * TaskExecutor for `spec.sandbox.runtime: deno`: each task runs the unchanged agent loop in its own
 * Deno process (sandbox/deno-entry.js), started with only the grants the flow's permissions name.
 * Deno, not our code, then refuses a spawn, a host or a variable the flow was not given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeResult } from '../../sandbox/deno-protocol.js';
import { lowerPriority } from '../../sandbox/node-priority.js';
import type { TaskRequest, TaskResult } from '../../sandbox/protocol.js';
import { SandboxFailure, type ExecutorOptions, type SandboxPermissions, type TaskExecutor } from './executor.js';

export interface DenoExecutorConfig {
  /** The deno binary; default: the one the `deno` npm package installed. */
  denoPath?: string;
  /**
   * DENO_DIR, where Deno keeps its V8 code cache. Default: a private temp dir per executor,
   * removed by close(). A persistent dir spares each new executor's first task ~100 ms.
   */
  cacheDir?: string;
}

/** The package whose package.json maps `@aof/api` and the plugins: Deno resolves bare specifiers from the cwd's. */
const appRoot = fileURLToPath(new URL('../../../', import.meta.url));
const entry = fileURLToPath(new URL('../../sandbox/deno-entry.js', import.meta.url));
/** A result is a reply plus tool-call records; anything near this size is not one. */
const MAX_RESULT_BYTES = 16 * 1024 * 1024;
const MAX_STDERR_BYTES = 64 * 1024;

export function resolveDenoBinary(): string {
  const require = createRequire(import.meta.url);
  // deno's own installer API: finds the platform package's binary (and links it beside the wrapper).
  const installer = require('deno/install_api.cjs') as { runInstall(): string };
  return installer.runInstall();
}

/** A grant list joins entries with commas, so one entry holding a comma would grant more than it names. */
function checkPermissions(permissions: SandboxPermissions): void {
  for (const [kind, entries] of Object.entries(permissions) as Array<[string, string[]]>) {
    const bad = entries.find((item) => item === '' || item.includes(','));
    if (bad !== undefined) throw new Error(`sandbox permission ${kind}: ${JSON.stringify(bad)} is not a valid entry`);
  }
}

/** An empty list must grant nothing; `--allow-run=` is not "none" to Deno, so the flag is left out. */
function grant(flag: string, entries: readonly string[]): string[] {
  return entries.length === 0 ? [] : [`--${flag}=${entries.join(',')}`];
}

/**
 * Read access to the code a task imports (the model's and the agent's tools' worker modules), nothing
 * else: each module's package, or just its folder when that package is the daemon itself (whose root
 * holds the config and flows).
 */
function moduleReadPaths(request: TaskRequest, cache: Map<string, string[]>): string[] {
  const tools = request.agent.tools.flatMap((name) => request.modules.tools[name] ?? []);
  const specifiers = [request.modules.model, ...tools];
  const paths = specifiers.flatMap((specifier) => {
    let found = cache.get(specifier);
    if (found === undefined) {
      found = readPathsFor(specifier);
      cache.set(specifier, found);
    }
    return found;
  });
  return [...new Set(paths)];
}

function readPathsFor(specifier: string): string[] {
  let file: string;
  try {
    file = fileURLToPath(import.meta.resolve(specifier));
  } catch {
    return []; // Not resolvable: Deno's import fails and the loop reports the module as not loading.
  }
  const files = existsSync(file) ? [file, realpathSync(file)] : [file];
  return files.map((candidate) => {
    for (let dir = path.dirname(candidate); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      if (existsSync(path.join(dir, 'package.json'))) return path.resolve(dir) === path.resolve(appRoot) ? path.dirname(candidate) : dir;
    }
    return path.dirname(candidate);
  });
}

function denoRunArgs(options: ExecutorOptions, readPaths: readonly string[]): string[] {
  const { permissions } = options;
  return [
    'run', '--quiet', '--no-prompt',
    // Nothing is fetched at run time: no remote modules, npm packages only from the existing node_modules, no lockfile written.
    '--no-remote', '--cached-only', '--node-modules-dir=manual', '--no-lock',
    ...grant('allow-read', readPaths),
    ...grant('allow-run', permissions.run),
    ...grant('allow-net', permissions.net),
    ...grant('allow-env', permissions.env),
    ...(options.maxMemoryMb > 0 ? [`--v8-flags=--max-old-space-size=${Math.floor(options.maxMemoryMb)}`] : []),
    entry,
    ...permissions.env,
  ];
}

/** Keeps the first `max` bytes of a stream. */
function collect(stream: NodeJS.ReadableStream, max: number): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    if (size < max) chunks.push(chunk.subarray(0, max - size));
    size += chunk.length;
  });
  return () => Buffer.concat(chunks).toString('utf8');
}

/** The process and whatever it started (tools): it leads its own process group. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** At most `size` processes at once; later tasks wait their turn in order. */
class Slots {
  private used = 0;
  private readonly waiting: Array<(granted: boolean) => void> = [];

  constructor(private readonly size: number) {}

  /** False when `signal` aborted or the executor closed before a slot was free. */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.used < this.size) {
      this.used++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.waiting.splice(this.waiting.indexOf(wake), 1);
        resolve(false);
      };
      const wake = (granted: boolean): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(granted);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(wake);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.used--;
    else next(true);
  }

  rejectWaiting(): void {
    for (const wake of this.waiting.splice(0)) wake(false);
  }
}

export function createDenoExecutor(options: ExecutorOptions, config: DenoExecutorConfig = {}): TaskExecutor {
  checkPermissions(options.permissions);
  const denoPath = config.denoPath ?? resolveDenoBinary();
  /** Each running process with the function that stops it. */
  const running = new Map<ChildProcess, () => void>();
  const exited = new Set<Promise<unknown>>();
  const slots = new Slots(Math.max(1, options.maxThreads));
  const readPathCache = new Map<string, string[]>();
  let ownCacheDir: Promise<string> | undefined;
  let closed = false;

  const cacheDir = (): Promise<string> => {
    if (config.cacheDir !== undefined) return Promise.resolve(config.cacheDir);
    ownCacheDir ??= mkdtemp(path.join(os.tmpdir(), 'aof-deno-'));
    return ownCacheDir;
  };

  async function runProcess(request: TaskRequest, signal: AbortSignal): Promise<TaskResult> {
    // The executor owns the runtime's settings: a DENO_* variable in the flow's env does not reconfigure it.
    const env = Object.fromEntries(Object.entries(options.env).filter(([key]) => !key.startsWith('DENO_')));
    const child = spawn(denoPath, denoRunArgs(options, moduleReadPaths(request, readPathCache)), {
      cwd: appRoot,
      env: { ...env, DENO_DIR: await cacheDir(), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so a kill takes the tools it started too. The price: a daemon that dies
      // without close() leaves running tasks to finish on their own.
      detached: true,
    });
    // At once, before Deno starts its threads: they and the tools it spawns inherit the main thread's priority.
    if (child.pid !== undefined) lowerPriority(options.nice ?? 0, child.pid);
    const stdout = collect(child.stdout, MAX_RESULT_BYTES);
    const stderr = collect(child.stderr, MAX_STDERR_BYTES);
    child.stdin.on('error', () => undefined); // A process that dies before reading its request breaks the pipe.
    child.stdin.end(JSON.stringify(request));

    let stoppedBecause: string | undefined;
    const stop = (why: string): void => {
      stoppedBecause ??= why;
      killGroup(child);
    };
    const onAbort = (): void => stop(`task aborted: ${describe(signal.reason)}`);
    running.set(child, () => stop('the flow\'s deno sandbox closed'));
    signal.addEventListener('abort', onAbort, { once: true });
    // Either may have happened while the cache dir was being made.
    if (signal.aborted) onAbort();
    if (closed) stop('the flow\'s deno sandbox closed');

    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('close', (code, exitSignal) => resolve({ code, signal: exitSignal }));
    });
    signal.removeEventListener('abort', onAbort);
    running.delete(child);

    if (stoppedBecause !== undefined) throw new SandboxFailure('aborted', stoppedBecause);
    if (exit.error !== undefined) throw new SandboxFailure('crashed', `could not start deno (${denoPath}): ${exit.error.message}`, { cause: exit.error });
    const result = decodeResult(stdout());
    if (result !== undefined) return result;
    const err = stderr().trim();
    if (/out of memory|heap limit/i.test(err)) {
      throw new SandboxFailure('out_of_memory', `deno sandbox exceeded its ${options.maxMemoryMb} MB heap limit`);
    }
    const how = exit.signal === null ? `exited with code ${exit.code}` : `was killed by ${exit.signal}`;
    const detail = err === '' ? `stdout: ${JSON.stringify(stdout().trim().slice(0, 200))}` : `stderr: ${err.slice(-500)}`;
    throw new SandboxFailure('crashed', `deno sandbox ${how} without a valid result (${detail})`);
  }

  return {
    async run(request, { signal }) {
      if (closed) throw new SandboxFailure('aborted', 'the flow\'s deno sandbox is closed');
      if (!(await slots.acquire(signal))) {
        throw new SandboxFailure('aborted', closed ? 'the flow\'s deno sandbox closed' : `task aborted: ${describe(signal.reason)}`);
      }
      const done = runProcess(request, signal);
      const settled = done.catch(() => undefined);
      exited.add(settled);
      try {
        return await done;
      } finally {
        exited.delete(settled);
        slots.release();
      }
    },
    alive: () => running.size,
    /** Stops whatever still runs (the pools wait for in-flight tasks before closing) and removes the private cache. */
    async close() {
      closed = true;
      slots.rejectWaiting();
      for (const stopProcess of running.values()) stopProcess();
      await Promise.all(exited);
      if (ownCacheDir !== undefined) await rm(await ownCacheDir, { recursive: true, force: true });
    },
  };
}

function describe(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
