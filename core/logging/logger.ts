import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { redactPaths } from './redact-paths.js';

export interface LoggerOptions {
  /** pino level name: trace, debug, info, warn, error, fatal, silent. */
  level: string;
  /** `pretty` needs pino-pretty installed (it is not a dependency); otherwise JSON lines. */
  format: 'json' | 'pretty';
  /** Where lines go; stdout when absent. `pretty` ignores it (pino-pretty writes to stdout). */
  destination?: DestinationStream;
}

/**
 * The daemon's logger: one JSON object per line with an ISO `timestamp`, a level name, and
 * secrets (tokens, signing secrets, API keys, authorization headers) censored wherever they
 * appear in the first few levels of a logged object.
 */
export function createLogger(options: LoggerOptions): PinoLogger {
  const prettyMissing = options.format === 'pretty' && !isInstalled('pino-pretty');
  const usePretty = options.format === 'pretty' && !prettyMissing;
  const logger = pino({
    level: options.level,
    // pino has no option to rename its `time` key; log shippers and DESIGN.md expect `timestamp`.
    timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactPaths(), censor: '[redacted]' },
    ...(usePretty ? { transport: { target: 'pino-pretty' } } : {}),
  }, usePretty ? undefined : options.destination);
  if (prettyMissing) logger.warn('log format "pretty" needs the pino-pretty package, which is not installed; logging JSON');
  return logger;
}

function isInstalled(packageName: string): boolean {
  try {
    createRequire(import.meta.url).resolve(packageName);
    return true;
  } catch {
    return false;
  }
}
