/** The ingress benchmark's printed report: machine, table, ratios and the target, in Markdown. */
import { availableParallelism, cpus, loadavg } from 'node:os';
import type { LoadResult } from './slack-load.js';
import type { CpuPerAck } from './thread-cpu.js';

export interface Row {
  name: string;
  result: LoadResult;
  /** The server's CPU per ack in µs (main thread, whole process), where /proc tells. */
  cpu?: CpuPerAck;
}

export function machineLine(): string {
  const [one, five, fifteen] = loadavg().map((value) => value.toFixed(2));
  return `nproc ${availableParallelism()}, CPU ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}, load average ${one} / ${five} / ${fifteen} (1 / 5 / 15 min)`;
}

const number = (value: number, digits = 0): string => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function table(rows: readonly Row[]): string {
  const lines = [
    '| server | acks/s | p50 ms | p99 ms | acks | errors | non-2xx | CPU µs/ack: main thread | whole process |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { name, result, cpu } of rows) {
    const cpuCells = cpu === undefined ? '– | –' : `${number(cpu.mainUs)} | ${number(cpu.processUs)}`;
    lines.push(`| ${name} | ${number(result.acksPerSec)} | ${number(result.p50Ms, 2)} | ${number(result.p99Ms, 2)} | ${number(result.acks)} | ${result.errors} | ${result.non2xx} | ${cpuCells} |`);
  }
  return lines.join('\n');
}

/** Ratios of the daemon's acks/s to each other server's, and whether the target is met. */
export function verdict(daemon: Row, fastify: Row, others: readonly Row[]): string {
  const ratio = (row: Row): number => daemon.result.acksPerSec / row.result.acksPerSec;
  const checks: Array<[string, boolean]> = [
    [`≥ 90 % of bare Fastify: ${(ratio(fastify) * 100).toFixed(1)} %`, ratio(fastify) >= 0.9],
    ...others.map((row): [string, boolean] => [`≥ 2x ${row.name}: ${ratio(row).toFixed(2)}x`, ratio(row) >= 2]),
    [`p99 ack ≤ 10 ms: ${daemon.result.p99Ms.toFixed(2)} ms`, daemon.result.p99Ms <= 10],
    ['no errors or non-2xx', daemon.result.errors === 0 && daemon.result.non2xx === 0],
  ];
  return checks.map(([text, met]) => `- ${met ? 'met' : 'NOT met'}: ${text}`).join('\n');
}
