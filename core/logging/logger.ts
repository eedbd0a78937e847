import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';
import { redactPaths } from './redact-paths.js';
import type { SecretScrubber } from './secret-scrubber.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
export type LogFormat = 'json' | 'pretty';

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export interface LoggerOptions {
  level: LogLevel;
  /** `json`: one object per line; `pretty`: human-readable lines (pino-pretty) for a terminal. */
  format: LogFormat;
  /** Where lines go; stdout when absent. */
  destination?: DestinationStream;
  /** Blanks known secret values in every line. */
  scrubber?: SecretScrubber;
}

/**
 * The daemon's logger: one JSON object per line with an ISO `timestamp`, a level name, secret
 * fields (tokens, signing secrets, API keys, authorization headers) censored by name in the
 * first few levels of a logged object, and known secret values blanked anywhere in the line.
 */
export function createLogger(options: LoggerOptions): PinoLogger {
  const { scrubber } = options;
  // In-process rather than as a transport: no worker thread, lines survive a quick exit, and the
  // pretty output goes to the same destination the JSON would.
  const destination = options.format === 'pretty'
    ? pretty({ destination: options.destination ?? 1, timestampKey: 'timestamp', sync: true })
    : options.destination;
  return pino({
    level: options.level,
    // pino has no option to rename its `time` key; log shippers and DESIGN.md expect `timestamp`.
    timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactPaths(), censor: '[redacted]' },
    ...(scrubber !== undefined && { hooks: { streamWrite: (line: string) => scrubber.scrub(line) } }),
  }, destination);
}
