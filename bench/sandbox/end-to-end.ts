/**
 * `npm run build && node dist/bench/sandbox/end-to-end.js`: messages per second through the
 * whole daemon (HTTP -> local platform -> router -> per-flow pool -> agent loop -> reply) with
 * the `command` model and the `echo` tool, for 1, 10 and 100 flows. The daemon runs as its own
 * process (`node core/main.js`), autocannon drives it over loopback.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import type autocannon from 'autocannon';
import { postMessages, startBenchDaemon } from '../local-daemon.js';

const DURATION_SECS = Number(process.env.BENCH_DURATION_SECS ?? 8);
const CONNECTIONS = 50;
/** `BENCH_FLOW_COUNTS=100` runs one size only. */
const FLOW_COUNTS = (process.env.BENCH_FLOW_COUNTS ?? '1,10,100').split(',').map(Number);
/** `BENCH_DAEMON_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` profiles the daemon (as in bench/ingress). */
const DAEMON_NODE_ARGS = (process.env.BENCH_DAEMON_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');

async function writeDeployment(dir: string, flows: number): Promise<string> {
  await mkdir(path.join(dir, 'flows'), { recursive: true });
  await mkdir(path.join(dir, 'agents'), { recursive: true });
  await writeFile(path.join(dir, 'agents', 'echo.yaml'), [
    'apiVersion: aof.dev/v1', 'kind: Agent', 'metadata:', '  name: echo-agent', 'spec:', '  model: command', '  tools: [echo]', '',
  ].join('\n'));
  const docs = Array.from({ length: flows }, (_, i) => [
    'apiVersion: aof.dev/v1', 'kind: AgentFlow', 'metadata:', `  name: flow-${i}`, 'spec:', '  trigger:', '    type: Local',
    '    config:', `      channels: [c${i}]`, '  agents:', '    - name: echo-agent', '  memory:', '    max_messages: 0',
  ].join('\n'));
  await writeFile(path.join(dir, 'flows', 'flows.yaml'), `${docs.join('\n---\n')}\n`);
  const config = path.join(dir, 'daemon-config.yaml');
  await writeFile(config, [
    'apiVersion: aof.dev/v1', 'kind: DaemonConfig', 'metadata:', '  name: bench', 'spec:',
    '  server:', '    port: 0', '    host: 127.0.0.1',
    '  logging:', '    level: warn',
    '  runtime:', '    max_concurrent_tasks: 200', '    max_tasks_per_user: 100000', '    queue_size: 10000', '',
  ].join('\n'));
  return config;
}

function load(url: string, flows: number, durationSecs: number): Promise<autocannon.Result> {
  return postMessages(url, { connections: CONNECTIONS, durationSecs, message: (n) => ({ channel: `c${n % flows}`, user: `u${n % 500}`, text: `echo message ${n}` }) });
}

/**
 * One message to every flow (50 at a time), so each flow's pool has started a thread before the
 * load: starting a worker costs ≈ 0.1-0.15 s of CPU, which 100 flows would otherwise pay inside
 * the measured seconds. Returns how long that took.
 */
async function firstMessages(url: string, flows: number): Promise<number> {
  const started = performance.now();
  for (let first = 0; first < flows; first += CONNECTIONS) {
    const batch = Array.from({ length: Math.min(CONNECTIONS, flows - first) }, async (_, offset) => {
      const response = await fetch(`${url}/platforms/local/messages?wait=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channel: `c${first + offset}`, user: 'warm-up', text: 'echo warm-up' }),
      });
      if (response.status !== 200) throw new Error(`warm-up message to flow ${first + offset} answered ${response.status}`);
    });
    await Promise.all(batch);
  }
  return performance.now() - started;
}

async function main(): Promise<void> {
  console.log(`# End to end through the local platform: ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores, Node ${process.version}`);
  console.log(`# ${CONNECTIONS} connections, ${DURATION_SECS} s per size, command model + echo tool, ?wait=true\n`);
  console.log('| flows | msg/s | p50 ms | p99 ms | errors | non-2xx | first message to every flow, ms |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const flows of FLOW_COUNTS) {
    const dir = await mkdtemp(path.join(tmpdir(), 'aof-bench-e2e-'));
    const config = await writeDeployment(dir, flows);
    const daemon = await startBenchDaemon(config, DAEMON_NODE_ARGS);
    try {
      // Warm-up: every flow's pool starts its workers before the measured run.
      const firstMs = await firstMessages(daemon.url, flows);
      await load(daemon.url, flows, 5);
      const result = await load(daemon.url, flows, DURATION_SECS);
      console.log(`| ${flows} | ${Math.round(result.requests.average).toLocaleString('en-US')} | ${result.latency.p50} | ${result.latency.p99} | ${result.errors} | ${result.non2xx} | ${Math.round(firstMs).toLocaleString('en-US')} |`);
    } finally {
      await daemon.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }
}

await main();
