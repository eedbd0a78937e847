import type { InboundSink, LoadedFlow, PlatformInstance } from '@aof/api';
import { createRecordingSink, type RecordedInbound } from '@aof/testkit';
import { createHttpServer } from '../../../core/http/server.js';
import { Kernel, type KernelPluginSpec } from '../../../core/kernel/kernel.js';
import { createLogger } from '../../../core/logging/logger.js';
import { createMetrics, type KernelMetrics } from '../../../core/metrics/metrics.js';
import { repoRoot } from '../../helpers/paths.js';

export interface TestKernelOptions {
  /** The plugins under test; `store-memory` is added unless listed. */
  plugins: KernelPluginSpec[];
  /** Where `use` specifiers resolve from; defaults to the checkout (the workspace packages). */
  baseDir?: string;
  bodyLimitBytes?: number;
  /** The flow table `coreServices.flows` lists; a function is asked on every call, as a reload would swap the table. */
  flows?: LoadedFlow[] | (() => LoadedFlow[]);
  /** Replaces the recording sink (then `inbound` stays empty), e.g. with one that holds messages. */
  inbound?: InboundSink;
}

export interface TestKernel {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every message a platform plugin submitted, in order. */
  inbound: RecordedInbound[];
  kernel: Kernel;
  metrics: KernelMetrics;
  /** Every JSON log line the kernel and plugins wrote (debug and up), for assertions such as "no secret logged". */
  logs: string[];
  /** The platform plugin named `name`. */
  platform(name: string): PlatformInstance;
  stop(): Promise<void>;
}

/**
 * Boots a real Kernel and the real Fastify server with a recording InboundSink and the memory
 * store, listening on 127.0.0.1 and a free port. Test-only: it reaches into core/, which is not a
 * package @aof/testkit could depend on.
 */
export async function startTestKernel(options: TestKernelOptions): Promise<TestKernel> {
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', format: 'json', destination: { write: (line: string) => void logs.push(line) } });
  const metrics = createMetrics();
  const http = createHttpServer({ logger, bodyLimitBytes: options.bodyLimitBytes ?? 1_048_576, metrics, readiness: () => ({ ready: true, reasons: [] }) });
  const recording = createRecordingSink();
  const plugins = options.plugins.some((spec) => spec.use === 'store-memory') ? options.plugins : [...options.plugins, { use: 'store-memory' }];
  const kernel = await Kernel.load({
    plugins,
    baseDir: options.baseDir ?? repoRoot,
    logger,
    services: {
      http: http.service,
      metrics,
      inbound: options.inbound ?? recording.sink,
      flows: {
        list: () => (typeof options.flows === 'function' ? options.flows() : options.flows ?? []),
        routing: () => ({ strict_mode: false, weights: { channel: 100, user: 80, pattern: 60, platform: 40, catch_all: 10 } }),
      },
    },
  });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await http.close();
      await kernel.stop();
    })();
    return stopped;
  };
  const failures = [...(await kernel.init()).failures, ...(await kernel.start()).failures];
  if (failures.length > 0) {
    await stop();
    throw new AggregateError(failures.map((failure) => failure.error), `test kernel failed to boot: ${failures.map((failure) => `${failure.plugin} (${failure.hook}): ${failure.error.message}`).join('; ')}`);
  }
  const { port } = await http.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    inbound: recording.messages,
    kernel,
    metrics,
    logs,
    platform(name) {
      const found = kernel.plugins('platform').find((plugin) => plugin.name === name);
      if (found === undefined) throw new Error(`no platform plugin "${name}" is loaded`);
      return found.instance as PlatformInstance;
    },
    stop,
  };
}
