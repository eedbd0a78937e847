/**
 * `npm run bench:ingress`: signed Slack events acknowledged per second, and the ack's p50/p99,
 * for the AOF daemon against a bare Fastify route doing the same signature check, a bare Bolt
 * app and the Chat SDK. Every server runs alone in its own process while autocannon (this
 * process) loads it; a local stub stands in for the Slack Web API (its own process too). Four
 * more scenarios split the daemon's ack from the work behind it: events it drops right after the
 * ack, a Bolt app that answers each mention as the daemon does, and mentions at a steady 100/s
 * instead of a flood (bare Fastify alongside).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { forkServer, repoRoot, spawnDaemon, stubStats, type ServerChild } from './children.js';
import { SLACK_APP } from './protocol.js';
import { machineLine, table, verdict, type Row } from './report.js';
import { cpuPerAck, cpuSample } from './thread-cpu.js';
import { DeliveryPool, runLoad, runPaced, type EventKind, type LoadResult } from './slack-load.js';

const CONNECTIONS = 50;
const DURATION_SECS = 10;
const WARMUP_SECS = 3;
/** Enough for a warm-up at any of these servers' rates; the measured run's pool is sized from it. */
const WARMUP_PRESIGNED = 60_000;
/** Mentions per second for the steady run: a busy workspace's peak, well under the daemon's capacity. */
const STEADY_RATE = 100;
/** How long the daemon may take to work off what it acked before the benchmark reads its log. */
const BACKLOG_TIMEOUT_MS = 60_000;

interface Scenario {
  name: string;
  path: string;
  start(stubUrl: string, logFile: string): Promise<ServerChild>;
  /** The daemon's scenarios: its log is read for what happened behind the acks. */
  daemon?: boolean;
  events?: EventKind;
  /** A steady rate (paced sender) instead of a flood. */
  ratePerSec?: number;
}

const startDaemon = (stubUrl: string, logFile: string): Promise<ServerChild> =>
  spawnDaemon(path.join(repoRoot, 'bench', 'ingress', 'deployment', 'daemon-config.yaml'), logFile, {
    SLACK_BOT_TOKEN: SLACK_APP.botToken,
    SLACK_SIGNING_SECRET: SLACK_APP.signingSecret,
    BENCH_SLACK_API_URL: stubUrl,
  });

/** The comparison, as the target states it: every server flooded with mentions. */
const COMPARED: readonly Scenario[] = [
  { name: 'bare Fastify + HMAC', path: '/webhooks/slack', start: () => forkServer('fastify-bare') },
  { name: 'AOF daemon', path: '/webhooks/slack', start: startDaemon, daemon: true },
  { name: 'Bolt (HTTPReceiver)', path: '/slack/events', start: (stubUrl) => forkServer('bolt-app', { BENCH_SLACK_API_URL: stubUrl }) },
  { name: 'Chat SDK (@chat-adapter/slack)', path: '/api/webhooks/slack', start: (stubUrl) => forkServer('chat-sdk', { BENCH_SLACK_API_URL: stubUrl }) },
];

const DIAGNOSTICS: readonly Scenario[] = [
  { name: 'AOF daemon, bot messages (dropped after the ack)', path: '/webhooks/slack', start: startDaemon, daemon: true, events: 'bot-message' },
  { name: 'Bolt (HTTPReceiver), answering each mention (say)', path: '/slack/events', start: (stubUrl) => forkServer('bolt-app', { BENCH_SLACK_API_URL: stubUrl, BENCH_BOLT_ANSWER: '1' }) },
  { name: `AOF daemon, mentions at ${STEADY_RATE}/s`, path: '/webhooks/slack', start: startDaemon, daemon: true, ratePerSec: STEADY_RATE },
  { name: `bare Fastify + HMAC, mentions at ${STEADY_RATE}/s`, path: '/webhooks/slack', start: () => forkServer('fastify-bare'), ratePerSec: STEADY_RATE },
];

/** Request log lines of the daemon by status, once their count stops growing (the backlog is done). */
async function daemonOutcomes(logFile: string): Promise<{ byStatus: Record<string, number>; settledMs: number }> {
  const started = Date.now();
  let last = -1;
  for (;;) {
    const byStatus: Record<string, number> = {};
    let total = 0;
    for (const line of readFileSync(logFile, 'utf8').split('\n')) {
      if (!line.includes('"msg":"request"')) continue;
      const status = String((JSON.parse(line) as { status?: unknown }).status);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      total += 1;
    }
    const elapsed = Date.now() - started;
    if (total === last || elapsed > BACKLOG_TIMEOUT_MS) return { byStatus, settledMs: elapsed };
    last = total;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

const diff = (after: Record<string, number>, before: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(after).map(([method, count]) => [method, count - (before[method] ?? 0)]).filter(([, count]) => count !== 0));

async function measure(scenario: Scenario, stub: ServerChild, stubUrl: string, logFile: string): Promise<{ row: Row; notes: string[] }> {
  const callsBefore = await stubStats(stub);
  const server = await scenario.start(stubUrl, logFile);
  const notes: string[] = [];
  try {
    const url = `http://127.0.0.1:${server.port}${scenario.path}`;
    const rate = scenario.ratePerSec;
    const load = (pool: DeliveryPool, durationSecs: number): Promise<LoadResult> => (rate === undefined
      ? runLoad({ url, connections: CONNECTIONS, durationSecs, pool })
      : runPaced({ url, ratePerSec: rate, durationSecs, pool }));
    const warmupPool = new DeliveryPool(WARMUP_PRESIGNED, scenario.events);
    const warmup = await load(warmupPool, WARMUP_SECS);
    // Signed now, so timestamps are fresh, and sized from the warm-up's rate with room to spare.
    const pool = new DeliveryPool(Math.ceil(warmup.acksPerSec * DURATION_SECS * 2) + 1_000, scenario.events);
    const cpuBefore = cpuSample(server.child.pid);
    const result = await load(pool, DURATION_SECS);
    const cpu = cpuPerAck(cpuBefore, cpuSample(server.child.pid), result.acks);
    const late = warmupPool.signedLate + pool.signedLate;
    if (late > 0) notes.push(`${late} deliveries were signed during the load (the pre-signed pool ran out)`);
    if (scenario.daemon === true) {
      const { byStatus, settledMs } = await daemonOutcomes(logFile);
      notes.push(`acked ${warmup.acks + result.acks} events (warm-up included); request log lines by status, ${settledMs} ms after the load: ${JSON.stringify(byStatus)}`);
    }
    notes.push(`Web API stub calls: ${JSON.stringify(diff(await stubStats(stub), callsBefore))}`);
    return { row: { name: scenario.name, result, ...(cpu !== undefined && { cpu }) }, notes };
  } finally {
    await server.stop();
  }
}

/** `BENCH_ONLY=bot,Fastify`: run only the scenarios whose name contains one of these (for profiling one of them). */
const only = (process.env.BENCH_ONLY ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '');
const selected = (scenario: Scenario): boolean => only.length === 0 || only.some((part) => scenario.name.includes(part));

async function runAll(scenarios: readonly Scenario[], stub: ServerChild, stubUrl: string, logPrefix: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    if (!selected(scenario)) continue;
    const { row, notes } = await measure(scenario, stub, stubUrl, `${logPrefix}-${index}.log`);
    rows.push(row);
    console.log(`${row.name}: ${Math.round(row.result.acksPerSec)} acks/s, p50 ${row.result.p50Ms.toFixed(2)} ms, p99 ${row.result.p99Ms.toFixed(2)} ms${row.cpu === undefined ? '' : `, CPU per ack ${Math.round(row.cpu.mainUs)} µs main thread / ${Math.round(row.cpu.processUs)} µs process`}`);
    for (const note of notes) console.log(`  ${note}`);
  }
  return rows;
}

async function main(): Promise<void> {
  console.log(`Machine: ${machineLine()}`);
  console.log(`Load: autocannon, ${CONNECTIONS} connections, ${WARMUP_SECS} s warm-up then ${DURATION_SECS} s per server, one server at a time.\n`);
  const scratch = await mkdtemp(path.join(tmpdir(), 'aof-bench-ingress-'));
  const stub = await forkServer('slack-api-stub');
  const stubUrl = `http://127.0.0.1:${stub.port}/api/`;
  let compared: Row[];
  let diagnostics: Row[];
  try {
    compared = await runAll(COMPARED, stub, stubUrl, path.join(scratch, 'compared'));
    diagnostics = await runAll(DIAGNOSTICS, stub, stubUrl, path.join(scratch, 'diagnostics'));
  } finally {
    await stub.stop();
  }
  const [fastify, daemon, ...others] = compared;
  if (only.length === 0 && (fastify === undefined || daemon === undefined)) throw new Error('no results');
  if (fastify !== undefined && daemon !== undefined) console.log(`\n${table(compared)}\n\nDaemon against the others:\n${verdict(daemon, fastify, others)}`);
  console.log(`\nThe daemon's ack without the work behind it, and at a steady rate (paced sender, not autocannon):\n\n${table(diagnostics)}`);
  console.log(`\nMachine after the run: ${machineLine()}\nDaemon logs: ${scratch}`);
}

await main();
