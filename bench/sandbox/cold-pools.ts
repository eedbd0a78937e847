/**
 * `npm run build && node dist/bench/sandbox/cold-pools.js`: why 100 busy flows cost more per
 * message than one. The real worker entry runs the same echo task on 1, 10 and 100 bare piscina
 * pools (one thread each, as 100 flows get), spread round robin with 50 tasks in flight, and the
 * CPU each thread used is read from /proc (Linux): the main thread, the threads that existed
 * before the pools (V8's compiler and GC helpers) and the pools' worker threads. No daemon, no
 * HTTP: only the sandbox's share. `BENCH_POOL_COUNTS=100`, `BENCH_TASKS` change the sizes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { LoadedAgent, LoadedFlow, ModelInstance, ToolInstance } from '@aof/api';
import commandPlugin from '@aof/plugin-command';
import echoPlugin from '@aof/plugin-echo';
import { Piscina } from 'piscina';
import { WORKER_ENTRY } from '../../core/runtime/piscina-executor.js';
import { sandboxEnv } from '../../core/runtime/sandbox-env.js';
import { TaskBuilder } from '../../core/runtime/task-builder.js';
import type { TaskRequest, TaskResult } from '../../sandbox/protocol.js';

const POOL_COUNTS = (process.env.BENCH_POOL_COUNTS ?? '1,10,100').split(',').map(Number);
const TASKS = Number(process.env.BENCH_TASKS ?? 20_000);
const IN_FLIGHT = 50;
const CLOCK_TICK_US = 1e6 / 100; // USER_HZ

/** CPU microseconds per thread group: main, threads started before `firstTid`, and the rest. */
function threadCpu(firstTid: number): Map<string, number> {
  const byGroup = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const group = Number(tid) === process.pid ? 'main thread' : Number(tid) < firstTid ? 'V8 helper threads' : 'pool worker threads';
    byGroup.set(group, (byGroup.get(group) ?? 0) + (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_US);
  }
  return byGroup;
}

async function echoTask(): Promise<(i: number) => TaskRequest> {
  const echo = (await echoPlugin.init({ name: 'echo', config: {}, deps: {} })) as ToolInstance;
  const command = (await commandPlugin.init({ name: 'command', config: {}, deps: {} })) as ModelInstance;
  const runtime = { max_concurrent_tasks: 50, task_timeout_secs: 300, max_tasks_per_user: 1_000_000, queue_size: 1_000 };
  const env = { PATH: process.env.PATH ?? '', HOME: tmpdir(), LANG: 'C.UTF-8' };
  const flow: LoadedFlow = {
    flow: { apiVersion: 'aof.dev/v1', kind: 'AgentFlow', metadata: { name: 'bench-flow' }, spec: { agents: [{ name: 'echo-agent' }], context: { namespace: 'bench' } } },
    index: 0, source: { file: 'bench', line: 1, column: 1 }, active: true,
  };
  const agent: LoadedAgent = {
    agent: { apiVersion: 'aof.dev/v1', kind: 'Agent', metadata: { name: 'echo-agent' }, spec: { model: 'command', tools: ['echo'] } },
    source: { file: 'bench', line: 1, column: 1 },
  };
  const builder = new TaskBuilder({ runtime, tools: echo.tools, models: [command], env });
  const plan = builder.plan(flow, 'echo-agent', agent);
  const flowEnv = sandboxEnv(flow, env);
  return (i) => builder.request({
    requestId: `r${i}`, flow, plan, env: flowEnv, history: [],
    message: { id: `m${i}`, platform: 'local', channel: { id: 'c1' }, user: { id: `u${i % 500}` }, text: 'echo hello from the bench', kind: 'message', receivedAt: Date.now() },
  });
}

async function measure(pools: number, request: (i: number) => TaskRequest): Promise<string> {
  const firstTid = Math.max(...readdirSync('/proc/self/task').map(Number)) + 1;
  const all = Array.from({ length: pools }, () => new Piscina<TaskRequest, TaskResult>({
    filename: WORKER_ENTRY, name: 'default', minThreads: 0, maxThreads: 1, idleTimeout: 60_000, concurrentTasksPerWorker: 1,
    recordTiming: false, resourceLimits: { maxOldGenerationSizeMb: 256 }, execArgv: [], env: request(0).flow.env,
  }));
  try {
    // Every pool's thread started and its modules loaded before anything is counted.
    await Promise.all(all.map((pool, i) => pool.run(request(i))));
    const before = threadCpu(firstTid);
    const started = performance.now();
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < TASKS) {
        const i = next++;
        const result = await all[i % pools]!.run(request(i));
        if (result.reply !== 'hello from the bench') throw new Error(`unexpected reply: ${result.reply}`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    const perSecond = TASKS / ((performance.now() - started) / 1000);
    const after = threadCpu(firstTid);
    const cpu = [...after].map(([group, us]) => `${group} ${Math.round((us - (before.get(group) ?? 0)) / TASKS)}`);
    return `| ${pools} | ${Math.round(perSecond).toLocaleString('en-US')} | ${cpu.sort().join(', ')} |`;
  } finally {
    await Promise.all(all.map((pool) => pool.destroy()));
  }
}

const request = await echoTask();
console.log(`# ${TASKS} echo tasks over N bare pools (real worker entry), ${IN_FLIGHT} in flight; CPU µs per task by thread group\n`);
console.log('| pools | tasks/s | CPU µs per task |\n|---:|---:|---|');
for (const pools of POOL_COUNTS) console.log(await measure(pools, request));
