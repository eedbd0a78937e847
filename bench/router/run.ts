import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import type { InboundMessage } from '@aof/api';
import scorerWeighted from '@aof/plugin-scorer-weighted';
import { FlowRouter } from '../../core/router/flow-router.js';
import { NaiveRouter } from './naive-router.js';
import { buildWorkload } from './workload.js';

/** `npm run bench:router`: the indexed FlowRouter against a linear scan, at three flow-table sizes. */
const SIZES = [100, 1_000, 10_000];
const MESSAGES = 20_000;
const SEED = 0xa0f;
const ROUNDS = 5;
const routing = { strict_mode: false, default_agent: 'general-assistant', weights: { channel: 100, user: 80, pattern: 60, platform: 40, catch_all: 10 } };

interface Result {
  perSecond: number;
  p50: number;
  p99: number;
  worstP99: number;
}

/** Keeps the optimizer from dropping calls whose result is unused. */
let sink = 0;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

function measure(route: (message: InboundMessage) => { score: number }, messages: readonly InboundMessage[], budgetMs: number, samples: number): Result {
  const at = (i: number): InboundMessage => messages[i % messages.length] as InboundMessage;
  for (let i = 0; i < Math.min(messages.length, samples); i++) sink += route(at(i)).score;

  // Throughput: whole batches, timed together, until the budget is spent.
  let routed = 0;
  const started = process.hrtime.bigint();
  let elapsedNs = 0n;
  while (elapsedNs < BigInt(budgetMs) * 1_000_000n) {
    for (let i = 0; i < 500; i++) sink += route(at(routed + i)).score;
    routed += 500;
    elapsedNs = process.hrtime.bigint() - started;
  }
  const perSecond = routed / (Number(elapsedNs) / 1e9);

  // Latency: each call timed alone, in rounds; a shared VM's hiccups land in one round, not all.
  const p50s: number[] = [];
  const p99s: number[] = [];
  const perRound = Math.floor(samples / ROUNDS);
  const latencies = new Float64Array(perRound);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < perRound; i++) {
      const message = at(routed + round * perRound + i);
      const t0 = process.hrtime.bigint();
      sink += route(message).score;
      latencies[i] = Number(process.hrtime.bigint() - t0) / 1000;
    }
    latencies.sort();
    p50s.push(latencies[Math.floor(perRound / 2)] as number);
    p99s.push(latencies[Math.floor(perRound * 0.99)] as number);
  }
  return { perSecond, p50: median(p50s), p99: median(p99s), worstP99: Math.max(...p99s) };
}

/** Shows the workload exercises every kind of flow: what the winner of each message was filtered by. */
function winnerMix(decisions: ReadonlyArray<readonly string[]>): string {
  const kinds = ['channel', 'user', 'pattern', 'catch_all'];
  const counts = kinds.map((kind) => decisions.filter((matched) => kinds.find((k) => matched.includes(k)) === kind).length);
  const none = decisions.length - counts.reduce((a, b) => a + b, 0);
  return [...kinds.map((kind, i) => `${kind} ${pct(counts[i] ?? 0, decisions.length)}`), `none ${pct(none, decisions.length)}`].join(', ');
}

const pct = (part: number, whole: number): string => `${((part / whole) * 100).toFixed(0)}%`;

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const instance = await scorerWeighted.init({ name: 'scorer-weighted', config: {}, deps: {} });
const scorers = [{ name: 'scorer-weighted', scorer: instance.scorer, mode: instance.mode ?? 'replace' }];

console.log(`node ${process.version}, ${availableParallelism()} CPUs, ${cpuModel()}, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
console.log(`${MESSAGES} messages, seed ${SEED.toString(16)}; latency in µs per decision, median of ${ROUNDS} rounds (worst round in brackets)\n`);
const winners: string[] = [];
console.log('| flows | router | build ms | decisions/s | p50 µs | p99 µs |');
console.log('|---:|---|---:|---:|---:|---:|');
for (const size of SIZES) {
  const { flows, messages } = buildWorkload(size, MESSAGES, SEED + size);
  let t0 = performance.now();
  const router = new FlowRouter(flows, routing, scorers);
  const buildOurs = performance.now() - t0;
  t0 = performance.now();
  const naive = new NaiveRouter(flows, routing, instance.scorer);
  const buildNaive = performance.now() - t0;

  // Both must decide alike, or the comparison means nothing.
  for (const message of messages.slice(0, 1_000)) {
    const ours = router.routeBest(message);
    const theirs = naive.routeBest(message);
    if (ours.flow !== theirs.flow || ours.agent !== theirs.agent || ours.score !== theirs.score) {
      throw new Error(`routers disagree on ${JSON.stringify(message)}: ${ours.flow?.flow.metadata.name} vs ${theirs.flow?.flow.metadata.name}`);
    }
  }

  winners.push(`${size.toLocaleString('en')} flows: ${winnerMix(messages.map((message) => router.routeBest(message).matched))}`);

  const ours = measure((message) => router.routeBest(message), messages, 2_000, 200_000);
  const theirs = measure((message) => naive.routeBest(message), messages, 2_000, size >= 10_000 ? 2_000 : 20_000);
  for (const [name, build, result] of [['FlowRouter (indexed)', buildOurs, ours], ['naive linear scan', buildNaive, theirs]] as const) {
    console.log(`| ${size.toLocaleString('en')} | ${name} | ${build.toFixed(1)} | ${Math.round(result.perSecond).toLocaleString('en')} | ` +
      `${result.p50.toFixed(2)} | ${result.p99.toFixed(2)} (${result.worstP99.toFixed(2)}) |`);
  }
}
console.log(`\nWinning flow's strongest filter per message:\n${winners.join('\n')}`);
if (sink === Number.MIN_VALUE) console.log('');
