import path from 'node:path';
import { startDaemon, type RunningDaemon } from '../daemon/daemon.js';
import { LOG_LEVELS, type LogFormat, type LogLevel } from '../logging/logger.js';
import { type CliIo, parseFlags, parsePort, UsageError } from './io.js';

/**
 * `aofctl serve`: runs until SIGTERM or SIGINT, then drains and exits 0 (a second signal exits
 * at once with 1). SIGHUP reloads flows, agents, routing and limits. An unhandled promise
 * rejection is logged as an error and the daemon keeps serving.
 */
export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, {
    config: { type: 'string', short: 'c' },
    'flows-dir': { type: 'string' },
    'agents-dir': { type: 'string' },
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    'log-format': { type: 'string' },
    'log-level': { type: 'string' },
  });
  if (!values.config) throw new UsageError('--config FILE is required');
  const daemon = await startDaemon({
    configPath: path.resolve(io.cwd, values.config),
    flowsDir: values['flows-dir'] && path.resolve(io.cwd, values['flows-dir']),
    agentsDir: values['agents-dir'] && path.resolve(io.cwd, values['agents-dir']),
    port: parsePort(values.port),
    host: values.host,
    env: io.env,
    logFormat: parseLogFormat(values['log-format']),
    logLevel: parseLogLevel(values['log-level']),
  });
  const onHangup = (): void => {
    void daemon.reload('SIGHUP');
  };
  // A promise some plugin forgot to handle (an SDK's reconnect, say) would otherwise end the
  // process and every organization's work with it: it is a bug to report, not a reason to stop.
  const onUnhandled = (reason: unknown): void => {
    daemon.logger.error({ err: reason }, 'unhandled promise rejection (a bug in the daemon or a plugin; the daemon keeps running)');
  };
  process.on('SIGHUP', onHangup);
  process.on('unhandledRejection', onUnhandled);
  await stopOnSignal(daemon);
  process.off('SIGHUP', onHangup);
  process.off('unhandledRejection', onUnhandled);
  return 0;
}

function stopOnSignal(daemon: RunningDaemon): Promise<void> {
  return new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      daemon.logger.info({ signal }, 'shutting down');
      // A second signal means the operator will not wait for the drain.
      const now = (again: NodeJS.Signals): void => {
        daemon.logger.warn({ signal: again }, 'second signal: exiting without waiting for running tasks');
        process.exit(1);
      };
      process.once('SIGTERM', now);
      process.once('SIGINT', now);
      daemon.stop().then(resolve, (error: unknown) => {
        daemon.logger.error({ err: error }, 'shutdown failed');
        resolve();
      });
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
}

function parseLogFormat(value: string | undefined): LogFormat | undefined {
  if (value === undefined || value === 'json' || value === 'pretty') return value;
  throw new UsageError('--log-format must be json or pretty');
}

function parseLogLevel(value: string | undefined): LogLevel | undefined {
  if (value === undefined) return undefined;
  const level = LOG_LEVELS.find((known) => known === value);
  if (level === undefined) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  return level;
}
