import path from 'node:path';
import { AofError, ErrorCode, type FlowsService, type Logger } from '@aof/api';
import { formatProblem, loadConfig, type LoadedConfig } from '../config/load-config.js';
import { createHttpServer } from '../http/server.js';
import { Kernel } from '../kernel/kernel.js';
import { createLogger } from '../logging/logger.js';
import { createMetrics } from '../metrics/metrics.js';
import { FlowRouter } from '../router/flow-router.js';
import { createInboundSink } from './inbound-sink.js';
import { pluginSpecs } from './plugin-specs.js';
import { scorerEntries } from './scorers.js';

export interface DaemonOptions {
  configPath: string;
  flowsDir?: string;
  agentsDir?: string;
  /** Overrides server.port; 0 picks a free port. */
  port?: number;
  host?: string;
  env?: Record<string, string | undefined>;
  logFormat?: 'json' | 'pretty';
  /** Where JSON log lines go (default stdout); tests capture them. */
  logDestination?: NodeJS.WritableStream;
}

export interface RunningDaemon {
  readonly port: number;
  readonly host: string;
  readonly config: LoadedConfig;
  readonly kernel: Kernel;
  readonly logger: Logger;
  router(): FlowRouter;
  /** Stops serving, then every plugin in reverse order; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Boots the daemon: config, plugins, router, HTTP. A broken daemon config refuses to start;
 * a broken flow file is reported and the rest of the flows serve.
 */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const env = options.env ?? process.env;
  const config = await loadConfig(options.configPath, { env, flowsDir: options.flowsDir, agentsDir: options.agentsDir });
  const logging = config.daemon.spec.logging ?? {};
  const logger = createLogger({
    level: logging.level ?? 'info',
    format: options.logFormat ?? logging.format ?? 'json',
    destination: options.logDestination,
  });
  const daemonFile = path.resolve(config.daemonFile);
  const fatal = config.problems.filter((p) => p.severity === 'error' && path.resolve(p.file) === daemonFile);
  if (fatal.length > 0) {
    throw new AofError(ErrorCode.CONFIG_INVALID, `daemon config is invalid:\n${fatal.map(formatProblem).join('\n')}`);
  }
  for (const problem of config.problems) {
    const fields = { file: problem.file, line: problem.line, path: problem.path, code: problem.code };
    if (problem.severity === 'error') logger.error(fields, formatProblem(problem));
    else logger.warn(fields, formatProblem(problem));
  }
  for (const flow of config.flows.filter((f) => !f.active)) {
    logger.info({ flow: flow.flow.metadata.name, reason: flow.inactiveReason }, 'flow is inactive');
  }

  const metrics = createMetrics();
  let ready = false;
  const http = createHttpServer({
    logger,
    bodyLimitBytes: config.daemon.spec.server.body_limit_bytes,
    metrics,
    readiness: () => (ready ? { ready: true, reasons: [] } : { ready: false, reasons: ['starting'] }),
  });
  let router: FlowRouter | undefined;
  const currentRouter = (): FlowRouter => {
    if (!router) throw new Error('router is not ready');
    return router;
  };
  const flows: FlowsService = { list: () => config.flows, routing: () => config.daemon.spec.routing };
  const kernel = await Kernel.load({
    plugins: pluginSpecs(config, { platforms: true, env }),
    baseDir: config.baseDir,
    logger,
    services: { http: http.service, metrics, inbound: createInboundSink({ router: currentRouter, metrics, logger }), flows },
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      ready = false;
      await http.close();
      await kernel.stop();
      logger.info('daemon stopped');
    })();
    return stopped;
  };

  const initReport = await kernel.init();
  router = new FlowRouter(config.flows, config.daemon.spec.routing, scorerEntries(kernel));
  const startReport = await kernel.start();
  const failures = [...initReport.failures, ...startReport.failures];
  if (failures.length > 0) {
    // The kernel has logged each failure as it happened; the error below sums them up.
    await stop();
    throw new AofError(ErrorCode.PLUGIN_HOOK_FAILED, `plugins failed to start: ${failures.map((f) => `${f.plugin} (${f.hook})`).join(', ')}`);
  }

  const server = config.daemon.spec.server;
  const listening = await http.listen(options.port ?? server.port, options.host ?? server.host);
  ready = true;
  const active = config.flows.filter((f) => f.active).length;
  logger.info({ port: listening.port, flows: config.flows.length, active_flows: active, agents: config.agents.length }, 'daemon ready');

  return {
    port: listening.port,
    host: options.host ?? server.host,
    config,
    kernel,
    logger,
    router: currentRouter,
    stop,
  };
}
