/**
 * `node dist/bench/reload/run.js`: (1) how long a full reload of 1,000 flow files takes, and
 * (2) messages/s through the local platform while the configuration reloads every second,
 * with every reply checked: a message lost (no 200, no answer) or misrouted (not its flow)
 * is counted. Targets: ≤ 1 s per full reload, 0 lost.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { rm } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { startDaemon, type RunningDaemon } from '../../core/daemon/daemon.js';
import { generateDeployment, type BenchDeployment } from './deployment.js';

const FLOWS = 1_000;
const RELOAD_SAMPLES = 10;
const STREAM_SECONDS = 10;
const SENDERS = 16;
/** Messages go to these flows only: each flow that gets traffic holds a sandbox pool. */
const HOT_FLOWS = 16;
const WARM_UP_MS = 5_000;

const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0;

async function measureReloads(daemon: RunningDaemon, deployment: BenchDeployment): Promise<number[]> {
  const times: number[] = [];
  for (let i = 1; i <= RELOAD_SAMPLES; i++) {
    await deployment.touchFlow(i, i);
    const started = performance.now();
    const report = await daemon.reload('bench');
    times.push(performance.now() - started);
    if (!report.ok) throw new Error(`reload failed: ${report.errors.join('; ')}`);
  }
  return times;
}

interface StreamResult {
  label: string;
  sent: number;
  ok: number;
  lost: number;
  misrouted: number;
  /** Reloads applied, and asked for (one a second; a reload asked for while one runs joins the next). */
  reloads: number;
  requested: number;
  perSecond: number;
  latencies: number[];
  /** Longest the event loop was blocked, in ms. */
  maxLoopDelayMs: number;
}

/** Messages from SENDERS concurrent senders for STREAM_SECONDS; with `reload`, the whole config reloads every second. */
async function stream(daemon: RunningDaemon, deployment: BenchDeployment, reload: boolean): Promise<StreamResult> {
  const url = `http://127.0.0.1:${daemon.port}/platforms/local/messages?wait=true`;
  const result: StreamResult = { label: reload ? 'reloading every second' : 'no reloads', sent: 0, ok: 0, lost: 0, misrouted: 0, reloads: 0, requested: 0, perSecond: 0, latencies: [], maxLoopDelayMs: 0 };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const deadline = performance.now() + STREAM_SECONDS * 1000;
  const sender = async (id: number): Promise<void> => {
    for (let n = 0; performance.now() < deadline; n++) {
      const flow = (id * 7 + n) % HOT_FLOWS;
      const started = performance.now();
      result.sent++;
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: `ch-${flow}`, user: `u${id}`, text: `echo ${n}` }) });
        const body = (await res.json()) as { status?: string; flow?: string };
        if (res.status !== 200 || body.status !== 'ok') result.lost++;
        else if (body.flow !== `flow-${flow}`) result.misrouted++;
        else result.ok++;
      } catch {
        result.lost++;
      }
      result.latencies.push(performance.now() - started);
    }
  };
  // Every second a different flow file changes (the hot ones included) and a reload starts; one
  // still running when the next second comes takes that change with it (reloads coalesce).
  const reloads: Array<Promise<void>> = [];
  let tick = 0;
  const ticker = reload ? setInterval(() => {
    tick++;
    reloads.push(deployment.touchFlow(tick % (HOT_FLOWS * 2), 1000 + tick).then(() => daemon.reload('bench')).then((report) => {
      if (!report.ok) throw new Error(`reload failed: ${report.errors.join('; ')}`);
    }));
  }, 1000) : undefined;
  const generation = daemon.generation();
  const started = performance.now();
  await Promise.all(Array.from({ length: SENDERS }, (_, id) => sender(id)));
  result.perSecond = result.sent / ((performance.now() - started) / 1000);
  clearInterval(ticker);
  await Promise.all(reloads);
  result.reloads = daemon.generation() - generation;
  result.requested = tick;
  loop.disable();
  result.maxLoopDelayMs = loop.max / 1e6;
  return result;
}

async function main(): Promise<void> {
  const deployment = await generateDeployment(FLOWS);
  const bootStarted = performance.now();
  const daemon = await startDaemon({ configPath: deployment.configPath, port: 0, host: '127.0.0.1', logDestination: discard, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  const bootMs = performance.now() - bootStarted;
  try {
    // The daemon warms its loader thread with one load right after boot; a reload asked for
    // before that is done waits for it. Measure what an operator's edit meets after that.
    await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
    const reloads = await measureReloads(daemon, deployment);
    // The first stream also warms the hot flows' sandbox pools.
    await stream(daemon, deployment, false);
    const streams = [await stream(daemon, deployment, false), await stream(daemon, deployment, true)];
    const cpu = cpus()[0]?.model ?? 'unknown';
    console.log(`machine: ${availableParallelism()} cpus (${cpu}), Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`boot with ${FLOWS} flow files: ${bootMs.toFixed(0)} ms`);
    console.log(`full reload of ${FLOWS} flow files (${RELOAD_SAMPLES} runs): median ${percentile(reloads, 0.5).toFixed(0)} ms, max ${Math.max(...reloads).toFixed(0)} ms`);
    for (const run of streams) {
      console.log(`stream, ${run.label}: ${SENDERS} senders to ${HOT_FLOWS} flows for ${STREAM_SECONDS} s, ${run.reloads} reloads applied of ${run.requested} asked: ${run.sent} messages, ${run.perSecond.toFixed(0)}/s, ` +
        `latency p50 ${percentile(run.latencies, 0.5).toFixed(1)} ms p99 ${percentile(run.latencies, 0.99).toFixed(1)} ms, ` +
        `max event-loop stall ${run.maxLoopDelayMs.toFixed(0)} ms; ok ${run.ok}, lost ${run.lost}, misrouted ${run.misrouted}`);
    }
  } finally {
    await daemon.stop();
    await rm(deployment.dir, { recursive: true, force: true });
  }
}

await main();
