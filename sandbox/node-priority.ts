/**
 * Sandbox work yields the CPU to the daemon's own event loop (webhook acks, health checks,
 * approval events): its threads and processes run `nice` steps below the daemon. Linux only:
 * there a nice value belongs to one thread, so a worker lowers itself without touching the
 * daemon, and what a thread starts (a tool's process) inherits it. Elsewhere the same call
 * would lower the whole daemon, so it is skipped. Node-only, like node-host.ts.
 */
import { getPriority, setPriority } from 'node:os';

/** The lowest priority a nice value can give. */
const NICEST = 19;

/** Lowers the calling thread (`pid` 0) or a process by `nice` steps; false when it did not (not Linux, nothing to do, refused). */
export function lowerPriority(nice: number, pid = 0): boolean {
  if (process.platform !== 'linux' || !(nice > 0)) return false;
  try {
    setPriority(pid, Math.min(NICEST, getPriority(pid) + Math.trunc(nice)));
    return true;
  } catch {
    return false; // The process is gone already, or the host forbids it: it runs at the daemon's priority.
  }
}
