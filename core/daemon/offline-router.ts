import type { InboundSink } from '@aof/api';
import type { LoadedConfig } from '../config/load-config.js';
import { Kernel } from '../kernel/kernel.js';
import { createLogger } from '../logging/logger.js';
import { createMetrics } from '../metrics/metrics.js';
import { FlowRouter } from '../router/flow-router.js';
import { pluginSpecs } from './plugin-specs.js';
import { scorerEntries } from './scorers.js';

const refuseMessages: InboundSink = {
  submit: () => Promise.reject(new Error('offline router: messages are not accepted')),
};

/**
 * A router with the same scorer plugins the daemon would run, for commands that only explain
 * decisions (`aofctl route`): no platform is loaded and nothing listens.
 */
export async function offlineRouter(config: LoadedConfig, env: Record<string, string | undefined>): Promise<FlowRouter> {
  const kernel = await Kernel.load({
    plugins: pluginSpecs(config, { platforms: false, clusterStore: false, env }),
    baseDir: config.baseDir,
    logger: createLogger({ level: 'silent', format: 'json' }),
    services: {
      http: { register: () => undefined },
      metrics: createMetrics(),
      inbound: refuseMessages,
      flows: { list: () => config.flows, routing: () => config.daemon.spec.routing },
    },
  });
  try {
    const report = await kernel.init();
    const failure = report.failures[0];
    if (failure) throw failure.error;
    return new FlowRouter(config.flows, config.daemon.spec.routing, scorerEntries(kernel));
  } finally {
    await kernel.stop();
  }
}
