/**
 * CPU time a server spent during the measured load, read from /proc (Linux only): its main thread
 * (the event loop that acks) and the whole process (workers, GC helpers, libuv included). Per ack
 * it is a steadier figure than acks/s on a shared VM, where the rate moves with the neighbours.
 */
import { readFileSync } from 'node:fs';

export interface CpuSample {
  mainMs: number;
  processMs: number;
}

/** USER_HZ: the kernel's unit for utime/stime in /proc; 100 on every Linux this runs on. */
const TICKS_PER_SEC = 100;

function ticks(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  // Fields after the command name, which sits in parentheses and may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** The CPU the process and its main thread have used so far; undefined where /proc does not tell. */
export function cpuSample(pid: number | undefined): CpuSample | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  try {
    const toMs = (value: number): number => (value * 1000) / TICKS_PER_SEC;
    return { mainMs: toMs(ticks(`/proc/${pid}/task/${pid}/stat`)), processMs: toMs(ticks(`/proc/${pid}/stat`)) };
  } catch {
    return undefined;
  }
}

export interface CpuPerAck {
  mainUs: number;
  processUs: number;
}

/** Microseconds of CPU per ack between two samples. */
export function cpuPerAck(before: CpuSample | undefined, after: CpuSample | undefined, acks: number): CpuPerAck | undefined {
  if (before === undefined || after === undefined || acks === 0) return undefined;
  return { mainUs: ((after.mainMs - before.mainMs) * 1000) / acks, processUs: ((after.processMs - before.processMs) * 1000) / acks };
}
