import path from 'node:path';
import { startDaemon } from '../daemon/daemon.js';
import { type CliIo, parseFlags, parsePort, UsageError } from './io.js';

/** `aofctl serve`: runs until SIGTERM or SIGINT, then stops plugins in reverse order and exits 0. */
export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, {
    config: { type: 'string', short: 'c' },
    'flows-dir': { type: 'string' },
    'agents-dir': { type: 'string' },
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    'log-format': { type: 'string' },
  });
  if (!values.config) throw new UsageError('--config FILE is required');
  const logFormat = values['log-format'];
  if (logFormat !== undefined && logFormat !== 'json' && logFormat !== 'pretty') throw new UsageError('--log-format must be json or pretty');

  const daemon = await startDaemon({
    configPath: path.resolve(io.cwd, values.config),
    flowsDir: values['flows-dir'] && path.resolve(io.cwd, values['flows-dir']),
    agentsDir: values['agents-dir'] && path.resolve(io.cwd, values['agents-dir']),
    port: parsePort(values.port),
    host: values.host,
    env: io.env,
    logFormat,
  });

  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      daemon.logger.info({ signal }, 'shutting down');
      // A second signal means the operator will not wait for a graceful stop.
      process.once('SIGTERM', () => process.exit(1));
      process.once('SIGINT', () => process.exit(1));
      daemon.stop().then(resolve, (error: unknown) => {
        daemon.logger.error({ err: error }, 'shutdown failed');
        resolve();
      });
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  return 0;
}
