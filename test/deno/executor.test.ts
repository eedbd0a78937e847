/**
 * The Deno executor's process handling: abort kills the process and what it started, a lost
 * process (OOM, crash, garbage on stdout) rejects that task alone with a SandboxFailure, plugin
 * console output stays off the result channel, and close() leaves nothing running.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createDenoExecutor, type DenoExecutorConfig } from '../../core/runtime/deno-executor.js';
import { SandboxFailure, type ExecutorOptions, type TaskExecutor } from '../../core/runtime/executor.js';
import type { TaskResult } from '../../sandbox/protocol.js';
import { builtinModules, fakePath, makeTask, type BuiltinModules, type TaskOverrides } from '../sandbox/task-fixtures.js';

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).href;
const PATH = `${fakePath}${path.delimiter}/usr/bin${path.delimiter}/bin`;
const OPTIONS: ExecutorOptions = {
  flowName: 'deno-flow',
  env: { PATH },
  maxMemoryMb: 256,
  idleTimeoutMs: 1_000,
  maxThreads: 2,
  permissions: { run: ['sh'], net: [], env: [] },
};

let modules: BuiltinModules;
let scratch: string;

before(async () => {
  modules = await builtinModules();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'aof-deno-executor-'));
});
after(() => rm(scratch, { recursive: true, force: true }));

async function withExecutor<T>(use: (executor: TaskExecutor) => Promise<T>, options: Partial<ExecutorOptions> = {}, config: DenoExecutorConfig = {}): Promise<T> {
  const executor = createDenoExecutor({ ...OPTIONS, ...options }, config);
  try {
    return await use(executor);
  } finally {
    await executor.close();
  }
}

function task(text: string, overrides: TaskOverrides = {}) {
  return makeTask(modules, { ...overrides, message: { text }, flow: { env: OPTIONS.env } });
}

function run(executor: TaskExecutor, text: string, overrides: TaskOverrides = {}, signal = new AbortController().signal): Promise<TaskResult> {
  return executor.run(task(text, overrides), { signal });
}

async function rejectsWith(promise: Promise<unknown>, kind: SandboxFailure['kind'], message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SandboxFailure, `expected a SandboxFailure, got ${String(error)}`);
    assert.equal(error.kind, kind);
    assert.match(error.message, message);
    return true;
  });
}

/** Gone or a zombie: an orphan killed with its sandbox waits for a PID 1 that may never reap it (containers). */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && !/^\d+ \(.*\) Z/.test(stat);
}

test('abort kills a hanging task, and the tool process it started, at once', async () => {
  const pidFile = path.join(scratch, 'tool.pid');
  const shell = { agent: { tools: ['shell'], toolConfig: { shell: { allowed_binaries: ['sh'] } } }, toolTimeoutMs: 60_000 };
  await withExecutor(async (executor) => {
    const controller = new AbortController();
    const running = run(executor, `shell sh -c "echo $$ > ${pidFile}; exec sleep 60"`, shell, controller.signal);
    let pid: number | undefined;
    while (pid === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      pid = Number(await readFile(pidFile, 'utf8').catch(() => '')) || undefined;
    }
    assert.equal(executor.alive(), 1);
    const aborted = Date.now();
    controller.abort(new Error('user cancelled'));
    await rejectsWith(running, 'aborted', /task aborted: user cancelled/);
    assert.ok(Date.now() - aborted < 1_000);
    assert.equal(executor.alive(), 0);
    // The kill is sent at once; the kernel may take a moment to end the process under load.
    const killedBy = Date.now() + 2_000;
    while (await isRunning(pid) && Date.now() < killedBy) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await isRunning(pid), false, 'the sleeping tool process was killed with its sandbox');
  });
});

test('the Deno process and the tools it starts run `nice` steps below the daemon', async () => {
  const shell = { agent: { tools: ['shell'], toolConfig: { shell: { allowed_binaries: ['sh'] } } } };
  // Field 19 of /proc/<pid>/stat is the nice value; the command's own process reads its own.
  const niceOfTool = async (nice: number): Promise<string> => withExecutor(async (executor) => {
    const result = await run(executor, 'shell sh -c "cut -d \' \' -f 19 /proc/self/stat"', shell);
    assert.equal(result.status, 'ok', result.reply);
    return result.reply.trim();
  }, { nice });
  const base = os.getPriority();
  assert.equal(await niceOfTool(4), String(process.platform === 'linux' ? Math.min(19, base + 4) : base));
  assert.equal(await niceOfTool(0), String(base));
  assert.equal(os.getPriority(), base, 'the daemon kept its priority');
});

test('a task that runs out of heap is an out_of_memory failure; the next task runs', async () => {
  await withExecutor(async (executor) => {
    await rejectsWith(run(executor, 'hog', { agent: { tools: ['hog'] }, tools: { hog: fixture('memory-hog-tool.js') } }), 'out_of_memory', /64 MB heap limit/);
    assert.equal((await run(executor, 'echo still here', { agent: { tools: ['echo'] } })).reply, 'still here');
  }, { maxMemoryMb: 64 });
});

/** A stand-in for the deno binary that ignores its arguments and runs `script`. */
async function fakeDeno(name: string, script: string): Promise<string> {
  const file = path.join(scratch, name);
  await writeFile(file, `#!/bin/sh\n${script}\n`);
  await chmod(file, 0o755);
  return file;
}

test('a process that writes garbage instead of a result is a crashed failure quoting it', async () => {
  const denoPath = await fakeDeno('garbage-deno', 'cat >/dev/null; echo "this is not json"');
  await withExecutor(async (executor) => {
    await rejectsWith(run(executor, 'echo hi'), 'crashed', /exited with code 0 without a valid result \(stdout: "this is not json"\)/);
  }, {}, { denoPath });
});

test('a process that dies is a crashed failure with its exit code and stderr', async () => {
  const denoPath = await fakeDeno('dying-deno', 'echo "boom: sandbox died" >&2; exit 3');
  await withExecutor(async (executor) => {
    await rejectsWith(run(executor, 'echo hi'), 'crashed', /exited with code 3 without a valid result \(stderr: boom: sandbox died\)/);
  }, {}, { denoPath });
});

test('what a plugin logs to the console stays out of the result', async () => {
  await withExecutor(async (executor) => {
    const result = await run(executor, 'noisy', { agent: { tools: ['noisy'] }, tools: { noisy: fixture('noisy-tool.js') } });
    assert.equal(result.status, 'ok', result.error?.message);
    assert.equal(result.reply, 'quiet answer');
  });
});

test('tasks past maxThreads wait their turn; close() stops what runs and refuses new tasks', async () => {
  const executor = createDenoExecutor({ ...OPTIONS, maxThreads: 1 });
  const slow = { agent: { tools: ['hang'] }, tools: { hang: new URL('../sandbox/fixtures/hanging-tool.js', import.meta.url).href }, toolTimeoutMs: 60_000 };
  const first = rejectsWith(run(executor, 'hang', slow), 'aborted', /closed/);
  const second = rejectsWith(run(executor, 'hang', slow), 'aborted', /closed/);
  while (executor.alive() === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(executor.alive(), 1);
  await executor.close();
  await Promise.all([first, second]);
  assert.equal(executor.alive(), 0);
  await rejectsWith(run(executor, 'echo late'), 'aborted', /closed/);
});

test('a permission entry holding a comma is refused: it would grant more than it names', () => {
  assert.throws(() => createDenoExecutor({ ...OPTIONS, permissions: { run: ['kubectl,sh'], net: [], env: [] } }), /"kubectl,sh" is not a valid entry/);
});
