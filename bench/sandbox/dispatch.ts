/**
 * `npm run build && node --expose-gc dist/bench/sandbox/dispatch.js`: what the sandbox runtime
 * costs. (a) A trivial task (echo tool, command model) through AgentRuntime and through
 * FlowPools, against a bare piscina pool running the same worker entry with the same request.
 * (c) RSS and threads of a runtime with 1,000 loaded flows and no traffic, after one task on each
 * of 20 flows, and after their idle timeout.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import type { DaemonConfigSpec, LoadedAgent, LoadedFlow, ModelInstance, ToolDescriptor, ToolInstance } from '@aof/api';
import commandPlugin from '@aof/plugin-command';
import echoPlugin from '@aof/plugin-echo';
import scorerWeighted from '@aof/plugin-scorer-weighted';
import { MemoryStore } from '@aof/plugin-store-memory';
import { Piscina } from 'piscina';
import { FlowRouter } from '../../core/router/flow-router.js';
import { AgentRuntime } from '../../core/runtime/agent-runtime.js';
import { FlowPools } from '../../core/runtime/flow-pools.js';
import { PiscinaExecutor, WORKER_ENTRY } from '../../core/runtime/piscina-executor.js';
import { sandboxEnv, sandboxPermissions } from '../../core/runtime/sandbox-env.js';
import { TaskBuilder } from '../../core/runtime/task-builder.js';
import type { TaskRequest, TaskResult } from '../../sandbox/protocol.js';
import { buildWorkload } from '../router/workload.js';

const WARMUP = 500;
const SAMPLES = 5_000;
const THROUGHPUT_TASKS = 5_000;
const IN_FLIGHT = 4;
/** Long enough for 20 cold workers to start on a small machine, short enough to wait for. */
const IDLE_SECS = 5;
const silent = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop, child: () => silent };
function noop(): void {}

const daemon: DaemonConfigSpec = {
  server: { port: 0, host: '127.0.0.1', body_limit_bytes: 1_048_576 },
  platforms: {},
  agents: { directory: './agents', watch: false, recursive: true },
  flows: { enabled: true, directory: './flows', watch: false, recursive: true },
  routing: { strict_mode: false, weights: { channel: 100, user: 80, pattern: 60, platform: 40, catch_all: 10 } },
  runtime: { max_concurrent_tasks: 50, task_timeout_secs: 300, max_tasks_per_user: 1_000_000, queue_size: 1_000 },
  sandbox: { max_memory_mb: 256, idle_timeout_secs: IDLE_SECS },
  memory: { max_messages: 50, ttl_secs: 86_400 },
  logging: { level: 'silent', format: 'json' },
  admin: { enabled: false },
  plugins: [],
};
const env = { PATH: process.env.PATH, HOME: tmpdir(), LANG: 'C.UTF-8', SLACK_BOT_TOKEN: 'placeholder-daemon-secret-not-for-workers' };
const echoAgent = (name: string): LoadedAgent => ({
  agent: { apiVersion: 'aof.dev/v1', kind: 'Agent', metadata: { name }, spec: { model: 'command', tools: ['echo'] } },
  source: { file: 'bench', line: 1, column: 1 },
});
const message = (i: number) => ({
  id: `m${i}`, platform: 'slack', workspace: 'T1', channel: { id: 'C1', name: 'ops' }, user: { id: `U${i % 100}` },
  thread: `t${i}`, text: 'echo hello from the bench', kind: 'mention' as const, receivedAt: Date.now(),
});

const gc = (globalThis as { gc?: () => void }).gc;
const rssMb = async (): Promise<number> => {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage().rss / 2 ** 20;
};

async function latencies(run: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number; perSecond: number }> {
  for (let i = 0; i < WARMUP; i++) await run(i);
  const times = new Float64Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    await run(WARMUP + i);
    times[i] = performance.now() - t0;
  }
  times.sort();
  let next = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next < THROUGHPUT_TASKS) await run(WARMUP + SAMPLES + next++);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const perSecond = THROUGHPUT_TASKS / ((performance.now() - started) / 1000);
  return { p50: times[Math.floor(SAMPLES / 2)] as number, p99: times[Math.floor(SAMPLES * 0.99)] as number, perSecond };
}

async function plugins(): Promise<{ tools: ToolDescriptor[]; models: ModelInstance[] }> {
  const echo = (await echoPlugin.init({ name: 'echo', config: {}, deps: {} })) as ToolInstance;
  const command = (await commandPlugin.init({ name: 'command', config: {}, deps: {} })) as ModelInstance;
  return { tools: echo.tools, models: [command] };
}

async function dispatch(): Promise<void> {
  const { tools, models } = await plugins();
  const flow: LoadedFlow = {
    flow: { apiVersion: 'aof.dev/v1', kind: 'AgentFlow', metadata: { name: 'bench-flow' }, spec: { agents: [{ name: 'echo-agent' }], context: { namespace: 'bench' } } },
    index: 0, source: { file: 'bench', line: 1, column: 1 }, active: true,
  };
  const agent = echoAgent('echo-agent');
  const builder = new TaskBuilder({ runtime: daemon.runtime, tools, models, env });
  const plan = builder.plan(flow, 'echo-agent', agent);
  const flowEnv = sandboxEnv(flow, env);
  const options = { flowName: 'bench-flow', env: flowEnv, maxMemoryMb: 256, idleTimeoutMs: 30_000, maxThreads: 2, permissions: sandboxPermissions([plan.agent], tools, flowEnv) };
  const request = (i: number): TaskRequest => builder.request({ requestId: `r${i}`, flow, plan, env: flowEnv, message: message(i), history: [] });
  const check = (result: TaskResult): void => {
    if (result.reply !== 'hello from the bench') throw new Error(`unexpected reply: ${result.reply}`);
  };

  const bare = new Piscina<TaskRequest, TaskResult>({
    filename: WORKER_ENTRY, name: 'default', minThreads: 0, maxThreads: 2, idleTimeout: 30_000, concurrentTasksPerWorker: 1,
    resourceLimits: { maxOldGenerationSizeMb: 256 }, env: flowEnv,
  });
  const bareResult = await latencies(async (i) => check(await bare.run(request(i))));
  await bare.close();

  const pools = new FlowPools((_flow, poolOptions) => new PiscinaExecutor(poolOptions), silent);
  const signal = new AbortController().signal;
  const poolsResult = await latencies(async (i) => check(await pools.run(flow, options, request(i), signal)));
  await pools.close();

  const store = new MemoryStore({ sweepIntervalMs: 60_000 });
  const runtime = new AgentRuntime({ daemon: { ...daemon, sandbox: { max_memory_mb: 256, idle_timeout_secs: 30 } }, store, tools, models, env, logger: silent });
  const runtimeResult = await latencies(async (i) => {
    const outcome = await runtime.run({ requestId: `r${i}`, flow, agentName: 'echo-agent', agent, message: message(i) });
    if (outcome.status !== 'ok') throw new Error(`task failed: ${outcome.reply}`);
  });
  await runtime.close();

  // The same runtime path with the sandbox taken out (the executor answers at once): what the kernel side costs per task.
  const answered = (task: TaskRequest): Promise<TaskResult> => Promise.resolve({
    taskId: task.taskId, status: 'ok', reply: 'hello from the bench', usage: { inputTokens: 0, outputTokens: 0 }, toolCalls: [],
    newMessages: [{ role: 'user', content: task.message.text }, { role: 'assistant', content: 'hello from the bench' }],
  });
  const inProcess = new AgentRuntime({
    daemon, store, tools, models, env, logger: silent,
    executorFactory: () => ({ run: answered, alive: () => 0, close: () => Promise.resolve() }),
  });
  const kernelResult = await latencies(async (i) => {
    const outcome = await inProcess.run({ requestId: `k${i}`, flow, agentName: 'echo-agent', agent, message: message(i) });
    if (outcome.status !== 'ok') throw new Error(`task failed: ${outcome.reply}`);
  });
  await inProcess.close();
  await store.close();

  console.log(`\n(a) trivial task (echo tool, command model, one flow, max_threads 2): ${SAMPLES} sequential tasks after ${WARMUP} warm-up; ` +
    `throughput: ${THROUGHPUT_TASKS} tasks, ${IN_FLIGHT} in flight\n`);
  console.log('| path | p50 ms | p99 ms | tasks/s |');
  console.log('|---|---:|---:|---:|');
  const rows = [
    ['bare piscina pool, same worker entry and request', bareResult],
    ['FlowPools.run', poolsResult],
    ['AgentRuntime.run (admission, env, memory, outcome)', runtimeResult],
    ['AgentRuntime.run, executor answering at once (kernel-side dispatch alone)', kernelResult],
  ] as const;
  for (const [name, result] of rows) {
    console.log(`| ${name} | ${result.p50.toFixed(3)} | ${result.p99.toFixed(3)} | ${Math.round(result.perSecond).toLocaleString('en')} |`);
  }
  const delta = (a: number, b: number): string => `${a >= b ? '+' : ''}${(a - b).toFixed(3)} ms`;
  console.log(`\nAgentRuntime over bare piscina: p50 ${delta(runtimeResult.p50, bareResult.p50)}, p99 ${delta(runtimeResult.p99, bareResult.p99)}; ` +
    `kernel-side dispatch alone: p50 ${kernelResult.p50.toFixed(3)} ms, p99 ${kernelResult.p99.toFixed(3)} ms`);
}

async function thousandFlows(): Promise<void> {
  const { tools, models } = await plugins();
  const before = await rssMb();
  const { flows } = buildWorkload(1_000, 0, 0xa0f);
  const tenants = flows.map((loaded, i): LoadedFlow => ({
    ...loaded,
    flow: { ...loaded.flow, spec: { ...loaded.flow.spec, context: { namespace: `team-${i}`, kubeconfig: `/etc/aof/kube/${i}.yaml`, env: { TEAM: `team-${i}` } } } },
  }));
  const scorer = await scorerWeighted.init({ name: 'scorer-weighted', config: {}, deps: {} });
  const router = new FlowRouter(tenants, daemon.routing, [{ name: 'scorer-weighted', scorer: scorer.scorer, mode: 'replace' }]);
  const store = new MemoryStore({ sweepIntervalMs: 60_000 });
  const runtime = new AgentRuntime({ daemon, store, tools, models, env, logger: silent });
  const loaded = await rssMb();
  const idle = runtime.stats();

  const active = tenants.filter((flow) => flow.active).slice(0, 20);
  await Promise.all(active.map(async (flow, i) => {
    const agentName = flow.flow.spec.agents[0]?.name ?? 'echo-agent';
    const outcome = await runtime.run({ requestId: `f${i}`, flow, agentName, agent: echoAgent(agentName), message: message(i) });
    if (outcome.status !== 'ok') throw new Error(`task failed: ${outcome.reply}`);
  }));
  const busy = runtime.stats();
  const afterTasks = await rssMb();
  await new Promise((resolve) => setTimeout(resolve, (IDLE_SECS + 1) * 1000));
  const afterIdle = await rssMb();
  const drained = runtime.stats();
  await runtime.close();
  await store.close();
  if (router.routeBest(message(0)).flow === undefined) throw new Error('router lost its flows');

  console.log(`\n(c) 1,000 loaded flows (router + runtime), ${gc === undefined ? 'no --expose-gc' : 'after forced GC'}\n`);
  console.log('| moment | RSS MB | pools | threads |');
  console.log('|---|---:|---:|---:|');
  console.log(`| before loading | ${before.toFixed(1)} | - | - |`);
  console.log(`| 1,000 flows loaded, no traffic | ${loaded.toFixed(1)} | ${idle.pools} | ${idle.threads} |`);
  console.log(`| after one task on each of 20 flows | ${afterTasks.toFixed(1)} | ${busy.pools} | ${busy.threads} |`);
  console.log(`| ${IDLE_SECS + 1} s later (idle_timeout_secs ${IDLE_SECS}) | ${afterIdle.toFixed(1)} | ${drained.pools} | ${drained.threads} |`);
}

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

console.log(`node ${process.version}, ${availableParallelism()} CPUs, ${cpuModel()}, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
// The flow count first, in a fresh heap, so its RSS is not the dispatch run's leftovers.
await thousandFlows();
await dispatch();
