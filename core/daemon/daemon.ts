import { AofError, ErrorCode, type ApprovalInstance, type FlowsService, type Logger, type PlatformInstance } from '@aof/api';
import type { DestinationStream } from 'pino';
import { mountAdmin } from '../admin/admin-mount.js';
import { adminSettings } from '../admin/admin-settings.js';
import { lookupIn } from '../approvals/approval-resume.js';
import { ApprovalService } from '../approvals/approval-service.js';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import { createHttpServer } from '../http/server.js';
import { Kernel } from '../kernel/kernel.js';
import { organizationOf } from '../limits/organization.js';
import { RateLimits, type Clock } from '../limits/rate-limits.js';
import { createLogger, type LogFormat, type LogLevel } from '../logging/logger.js';
import { RecentRequests } from '../logging/recent-requests.js';
import { SecretScrubber } from '../logging/secret-scrubber.js';
import { secretValues } from '../logging/secret-values.js';
import { createMetrics } from '../metrics/metrics.js';
import type { ReloadReport } from '../reload/config-reloader.js';
import { HotReload } from '../reload/hot-reload.js';
import type { FlowRouter } from '../router/flow-router.js';
import type { AgentRuntime } from '../runtime/agent-runtime.js';
import { buildSnapshot, type ConfigSnapshot } from './config-snapshot.js';
import { createRuntime } from './create-runtime.js';
import { refuseNewMessagesWhileDraining } from './drain-guard.js';
import { late } from './late.js';
import { createMessagePipeline } from './message-pipeline.js';
import { RefusalNotices } from './refusal-notices.js';
import { pluginSpecs } from './plugin-specs.js';
import { reportProblems } from './report-problems.js';
import { RequestLog } from './request-log.js';
import { scorerEntries } from './scorers.js';
import { stopGracefully } from './shutdown.js';

export interface DaemonOptions {
  configPath: string;
  flowsDir?: string;
  agentsDir?: string;
  /** Overrides server.port; 0 picks a free port. */
  port?: number;
  host?: string;
  env?: Record<string, string | undefined>;
  /** Override logging.format and logging.level. */
  logFormat?: LogFormat;
  logLevel?: LogLevel;
  /** Where log lines go (default stdout); tests capture them. */
  logDestination?: DestinationStream;
  /** Overrides server.shutdown_grace_secs: how long a stop lets running tasks finish. */
  shutdownGraceMs?: number;
  /** The clock rate-limit windows are computed from (tests move it; default Date.now). */
  clock?: Clock;
  /** Quiet time after a config file change before the reload (default 200 ms). */
  watchDebounceMs?: number;
}

export interface RunningDaemon {
  readonly port: number;
  readonly host: string;
  /** The admin API's own port when `admin.port` is set. */
  readonly adminPort: number | undefined;
  readonly kernel: Kernel;
  readonly logger: Logger;
  config(): LoadedConfig;
  router(): FlowRouter;
  /** 1 at boot, one more for every reload applied. */
  generation(): number;
  /** Reloads flows, agents, routing and limits (as SIGHUP, a file change or the admin API do). */
  reload(trigger?: string): Promise<ReloadReport>;
  /** Drains (running tasks finish, new messages get 503), then stops every plugin in reverse order; safe to call twice. */
  stop(): Promise<void>;
}

const DEFAULT_SHUTDOWN_GRACE_SECS = 30;
const DEFAULT_WATCH_DEBOUNCE_MS = 200;
/** Cluster mode: how often a node picks up the expiry clocks of approvals other nodes asked. */
const CLUSTER_EXPIRY_SWEEP_MS = 5_000;

/**
 * Boots the daemon: config, plugins, router, limits, runtime, HTTP, admin API, watcher. A broken
 * daemon config refuses to start; a broken flow file is reported and the rest of the flows serve.
 */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const env = options.env ?? process.env;
  const config = await loadConfig(options.configPath, { env, flowsDir: options.flowsDir, agentsDir: options.agentsDir });
  const { spec } = config.daemon;
  const scrubber = new SecretScrubber();
  scrubber.add(secretValues(config, env));
  const logger = createLogger({
    level: options.logLevel ?? spec.logging.level,
    format: options.logFormat ?? spec.logging.format,
    destination: options.logDestination,
    scrubber,
    ...(spec.server.node_id !== undefined && { node: spec.server.node_id }),
  });
  reportProblems(config, logger);
  const admin = adminSettings(spec, env);

  const metrics = createMetrics();
  let phase: 'starting' | 'ready' | 'draining' = 'starting';
  const http = createHttpServer({
    logger,
    bodyLimitBytes: spec.server.body_limit_bytes,
    ...(spec.server.timeout_secs !== undefined && { requestTimeoutMs: spec.server.timeout_secs * 1000 }),
    metrics,
    readiness: () => (phase === 'ready' ? { ready: true, reasons: [] } : { ready: false, reasons: [phase === 'starting' ? 'starting' : 'shutting down'] }),
  });
  refuseNewMessagesWhileDraining(http.app, () => phase === 'draining');

  const snapshot = late<ConfigSnapshot>('the configuration');
  const runtime = late<AgentRuntime>('the agent runtime');
  const limits = late<RateLimits>('the rate limits');
  const hotReload = late<HotReload>('hot reload');
  const approvals = late<ApprovalService>('the approval service');
  const recent = new RecentRequests();
  let platforms = new Map<string, PlatformInstance>();
  const pipeline = createMessagePipeline({
    snapshot: snapshot.get,
    runtime: { run: (submission) => runtime.get().run(submission) },
    limits: { admit: (subject) => limits.get().admit(subject), recordTokens: (subject, tokens) => limits.get().recordTokens(subject, tokens) },
    platforms: () => platforms,
    metrics,
    logger,
    requestLog: new RequestLog(logger, recent, scrubber),
    approvals: approvals.peek,
    scrub: (text) => scrubber.scrub(text),
    // The store is the kernel's (a plugin); no message arrives before the kernel is up.
    notices: new RefusalNotices(() => kernel.store()),
  });
  metrics.trackInFlight(pipeline.inFlight);
  const flows: FlowsService = { list: () => snapshot.get().config.flows, routing: () => snapshot.get().config.daemon.spec.routing };
  const kernel = await Kernel.load({
    plugins: pluginSpecs(config, { platforms: true, clusterStore: true, env }),
    baseDir: config.baseDir,
    logger,
    services: { http: http.service, metrics, inbound: pipeline, flows },
  });
  const adminApi = mountAdmin(admin, { snapshot: snapshot.get, store: () => kernel.store(), recent, reload: (trigger) => hotReload.get().reload(trigger) }, http.service, logger);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= stopGracefully({
      logger,
      graceMs: options.shutdownGraceMs ?? (spec.server.shutdown_grace_secs ?? DEFAULT_SHUTDOWN_GRACE_SECS) * 1000,
      drain: () => { phase = 'draining'; },
      // Approval expiry clocks stop too: pending requests stay in the store and are re-armed on the next start.
      background: () => [hotReload.peek(), approvals.peek()],
      runtime: runtime.peek,
      pipeline,
      listeners: () => [adminApi, http],
      kernel,
    });
    return stopped;
  };

  const initReport = await kernel.init();
  if (initReport.ok) {
    const scorers = scorerEntries(kernel);
    snapshot.set(buildSnapshot(config, scorers, 1));
    platforms = new Map(kernel.plugins('platform').map((p) => [(p.instance as PlatformInstance).platform, p.instance as PlatformInstance]));
    runtime.set(createRuntime({ daemon: spec, kernel, store: kernel.store(), env, logger, metrics, agents: (name) => snapshot.get().agents.get(name) }));
    limits.set(new RateLimits(kernel.store(), options.clock));
    approvals.set(new ApprovalService({
      store: kernel.store(),
      strategies: () => kernel.plugins('approval').map((plugin) => plugin.instance as ApprovalInstance),
      platforms: () => platforms,
      config: () => lookupIn(snapshot.get()),
      runtime: runtime.get(),
      logger,
      metrics,
      scrub: (text) => scrubber.scrub(text),
      tokensUsed: async (flow, message, tokens) => {
        metrics.recordTokens(flow.flow.metadata.name, organizationOf(flow), tokens);
        await limits.get().recordTokens({ limits: snapshot.get().config.daemon.spec.limits, flow, message }, tokens);
      },
    }));
    hotReload.set(new HotReload({
      configPath: options.configPath,
      config,
      overrides: options,
      env,
      debounceMs: options.watchDebounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS,
      current: snapshot.get,
      swap: (next) => {
        // Secrets first: the first message on the new snapshot may log them.
        scrubber.add(secretValues(next.config, env));
        snapshot.set(next);
      },
      scorers,
      drainFlow: (name) => runtime.get().drainFlow(name),
      logger,
      metrics,
    }));
    metrics.configGeneration(1);
  }
  const startReport = initReport.ok ? await kernel.start() : { ok: true, failures: [] };
  const failures = [...initReport.failures, ...startReport.failures];
  if (failures.length > 0) {
    // The kernel has logged each failure as it happened; the error below sums them up.
    await stop();
    throw new AofError(ErrorCode.PLUGIN_HOOK_FAILED, `plugins failed to start: ${failures.map((f) => `${f.plugin} (${f.hook})`).join(', ')}`);
  }

  const host = options.host ?? spec.server.host;
  const listening = await http.listen(options.port ?? spec.server.port, host);
  await adminApi.listen(host);
  await hotReload.peek()?.start();
  // Requests that expired while the daemon was down are closed now, the others get their clocks back.
  await approvals.peek()?.restore().catch((error: unknown) => logger.error({ err: error }, 'could not restore pending approvals'));
  if (spec.server.cluster_mode === true) approvals.peek()?.shareExpiry(CLUSTER_EXPIRY_SWEEP_MS);
  phase = 'ready';
  const active = config.flows.filter((f) => f.active).length;
  logger.info({
    port: listening.port,
    ...(adminApi.port() !== undefined && { admin_port: adminApi.port() }),
    flows: config.flows.length,
    active_flows: active,
    agents: config.agents.length,
    platforms: [...platforms.keys()],
  }, 'daemon ready');

  return {
    port: listening.port,
    host,
    adminPort: adminApi.port(),
    kernel,
    logger,
    config: () => snapshot.get().config,
    router: () => snapshot.get().router,
    generation: () => snapshot.get().generation,
    reload: (trigger = 'api') => hotReload.get().reload(trigger),
    stop,
  };
}
