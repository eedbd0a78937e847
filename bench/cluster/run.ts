/**
 * `npm run build && node dist/bench/cluster/run.js`: what cluster mode costs per message. The
 * same deployment (one flow, the `command` model with the `echo` tool, conversation memory on, a
 * per-user limit that counts every message without refusing) driven through the local platform
 * with `?wait=true`: one node on store-memory, one node on store-redis (cluster mode), and two
 * nodes in cluster mode sharing the load, all in one run against one redis-server of its own.
 * `BENCH_DURATION_SECS` sets the measured seconds, `BENCH_ONLY` picks setups by name.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import type autocannon from 'autocannon';
import { startTestRedis, type TestRedis } from '../../test/helpers/redis-server.js';
import { cpuSample, type CpuSample } from '../ingress/thread-cpu.js';
import { postMessages, startBenchDaemon, type BenchDaemon } from '../local-daemon.js';

const DURATION_SECS = Number(process.env.BENCH_DURATION_SECS ?? 8);
const WARM_UP_SECS = 3;
const CONNECTIONS = 50;
/** `BENCH_ONLY=memory,one node` runs only the setups whose name contains one of those words. */
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '');

interface Scenario {
  name: string;
  nodes: number;
  cluster: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'one node, store-memory', nodes: 1, cluster: false },
  { name: 'one node, cluster mode (store-redis)', nodes: 1, cluster: true },
  { name: 'two nodes, cluster mode', nodes: 2, cluster: true },
];

async function writeDeployment(dir: string, redisUrl: string | undefined): Promise<string> {
  await mkdir(path.join(dir, 'flows'), { recursive: true });
  await mkdir(path.join(dir, 'agents'), { recursive: true });
  await writeFile(path.join(dir, 'agents', 'echo.yaml'), [
    'apiVersion: aof.dev/v1', 'kind: Agent', 'metadata:', '  name: echo-agent', 'spec:', '  model: command', '  tools: [echo]', '',
  ].join('\n'));
  await writeFile(path.join(dir, 'flows', 'ops.yaml'), [
    'apiVersion: aof.dev/v1', 'kind: AgentFlow', 'metadata:', '  name: ops', 'spec:', '  trigger:', '    type: Local',
    '    config:', '      channels: [ops]', '  agents:', '    - name: echo-agent', '  memory:', '    max_messages: 20', '',
  ].join('\n'));
  const config = path.join(dir, 'daemon-config.yaml');
  await writeFile(config, [
    'apiVersion: aof.dev/v1', 'kind: DaemonConfig', 'metadata:', '  name: bench-cluster', 'spec:',
    '  server:', '    port: 0', '    host: 127.0.0.1',
    ...(redisUrl === undefined ? [] : ['    cluster_mode: true', `    redis_url: ${redisUrl}`]),
    '  logging:', '    level: warn',
    '  limits:', '    per_user:', '      max_requests_per_minute: 1000000',
    '  runtime:', '    max_concurrent_tasks: 200', '    max_tasks_per_user: 100000', '    queue_size: 10000', '',
  ].join('\n'));
  return config;
}

/** Every connection posts to its node; users spread over 500 names and threads over 100, so memory and limits touch many keys. */
function load(nodes: readonly BenchDaemon[], durationSecs: number): Promise<autocannon.Result[]> {
  return Promise.all(nodes.map((node) => postMessages(node.url, {
    connections: CONNECTIONS / nodes.length,
    durationSecs,
    message: (n) => ({ channel: 'ops', user: `u${n % 500}`, thread: `t${n % 100}`, text: `echo message ${n}` }),
  })));
}

function cpuMs(samples: ReadonlyArray<CpuSample | undefined>): number | undefined {
  return samples.every((sample) => sample !== undefined) ? samples.reduce((sum, sample) => sum + (sample?.processMs ?? 0), 0) : undefined;
}

async function run(scenario: Scenario, redis: TestRedis): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aof-bench-cluster-'));
  const config = await writeDeployment(dir, scenario.cluster ? redis.url : undefined);
  const nodes: BenchDaemon[] = [];
  try {
    for (let i = 0; i < scenario.nodes; i++) nodes.push(await startBenchDaemon(config));
    await load(nodes, WARM_UP_SECS);
    const pids = [...nodes.map((node) => node.child.pid), redis.pid];
    const before = pids.map(cpuSample);
    const results = await load(nodes, DURATION_SECS);
    const after = pids.map(cpuSample);
    const messages = results.reduce((sum, result) => sum + result.requests.total, 0);
    const perSec = results.reduce((sum, result) => sum + result.requests.average, 0);
    const errors = results.reduce((sum, result) => sum + result.errors + result.non2xx, 0);
    const daemonsMs = diff(cpuMs(after.slice(0, -1)), cpuMs(before.slice(0, -1)));
    const redisMs = scenario.cluster ? diff(cpuMs(after.slice(-1)), cpuMs(before.slice(-1))) : undefined;
    const perMessage = (ms: number | undefined): string => (ms === undefined ? '–' : String(Math.round((ms * 1000) / messages)));
    const p50 = Math.max(...results.map((result) => result.latency.p50));
    const p99 = Math.max(...results.map((result) => result.latency.p99));
    return `| ${scenario.name} | ${Math.round(perSec).toLocaleString('en-US')} | ${p50} | ${p99} | ${errors} | ${perMessage(daemonsMs)} | ${scenario.cluster ? perMessage(redisMs) : '–'} |`;
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

function diff(after: number | undefined, before: number | undefined): number | undefined {
  return after === undefined || before === undefined ? undefined : after - before;
}

async function main(): Promise<void> {
  console.log(`# Cluster mode: ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores, Node ${process.version}`);
  console.log(`# ${CONNECTIONS} connections in all, ${WARM_UP_SECS} s warm-up, ${DURATION_SECS} s measured, command model + echo tool, memory and a per-user limit on\n`);
  console.log('| setup | msg/s | p50 ms (worst node) | p99 ms (worst node) | errors + non-2xx | daemon CPU µs/msg (all nodes) | redis-server CPU µs/msg |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  const redis = await startTestRedis();
  try {
    for (const scenario of SCENARIOS.filter((candidate) => ONLY.length === 0 || ONLY.some((word) => candidate.name.includes(word)))) {
      console.log(await run(scenario, redis));
    }
  } finally {
    await redis.stop();
  }
}

await main();
