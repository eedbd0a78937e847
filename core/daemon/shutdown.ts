import type { Logger } from '@aof/api';
import type { Kernel } from '../kernel/kernel.js';
import type { AgentRuntime } from '../runtime/agent-runtime.js';
import type { MessagePipeline } from './message-pipeline.js';

export interface GracefulStop {
  logger: Logger;
  /** How long running tasks may finish before they are stopped. */
  graceMs: number;
  /** Turns /readyz not-ready and makes new message POSTs answer 503. */
  drain: () => void;
  /** What starts work on its own (config watcher and loader, approval expiry clocks): stopped once the drain begins. */
  background: () => ReadonlyArray<{ close(): Promise<void> } | undefined>;
  /** Undefined when the boot failed before the runtime existed. */
  runtime: () => AgentRuntime | undefined;
  pipeline: MessagePipeline;
  /** HTTP listeners, closed once every reply is out. */
  listeners: () => ReadonlyArray<{ close(): Promise<void> } | undefined>;
  kernel: Kernel;
}

/** Replies still being posted after the tasks ended get this long (a slow chat API must not hold the exit). */
const REPLY_GRACE_MS = 5_000;

/**
 * The shutdown sequence: not ready first (load balancers stop sending), new messages refused,
 * running tasks finish within the grace period (the rest are stopped and answer "restarting"),
 * their replies go out, then the listeners close and the plugins stop in reverse start order.
 * Suspended approvals stay in the state store for the next start. Every step runs even when
 * an earlier one failed.
 */
export async function stopGracefully(stop: GracefulStop): Promise<void> {
  const { logger } = stop;
  stop.drain();
  logger.info({ in_flight: stop.pipeline.inFlight(), grace_ms: stop.graceMs }, 'draining: new messages are refused, running tasks finish');
  const step = async (name: string, run: () => Promise<unknown> | undefined): Promise<void> => {
    try {
      await run();
    } catch (error) {
      logger.error({ step: name, err: error }, 'shutdown step failed; continuing');
    }
  };
  await step('background', () => Promise.all(stop.background().map((part) => part?.close())));
  await step('runtime', () => stop.runtime()?.close(stop.graceMs));
  await step('replies', () => withTimeout(stop.pipeline.idle(), REPLY_GRACE_MS));
  if (stop.pipeline.inFlight() > 0) logger.warn({ in_flight: stop.pipeline.inFlight() }, 'stopping with replies still unsent');
  await step('http', () => Promise.all(stop.listeners().map((listener) => listener?.close())));
  await step('plugins', () => stop.kernel.stop());
  logger.info('daemon stopped');
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
