import { hostname } from 'node:os';
import { pino, stdSerializers, type DestinationStream, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';
import { redactSecrets, redactSerializedError } from './redact-secrets.js';
import type { SecretScrubber } from './secret-scrubber.js';
import { turnBatchedStdout } from './turn-batched-destination.js';

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
  /** `server.node_id`: on every line, so a cluster's merged logs say which node wrote each. */
  node?: string;
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
    : options.destination ?? turnBatchedStdout();
  const logger = pino({
    level: options.level,
    ...(options.node !== undefined && { base: { pid: process.pid, hostname: hostname(), node: options.node } }),
    // pino has no option to rename its `time` key; log shippers and DESIGN.md expect `timestamp`.
    timestamp: isoTimestamp,
    formatters: {
      level: (label) => ({ level: label }),
      // Instead of pino's `redact` (see redact-secrets.ts for why); `err` is censored once serialized.
      log: (object) => redactSecrets(object, 'err'),
      bindings: (bindings) => redactSecrets(bindings),
    },
    serializers: { err: redactedError },
    ...(scrubber !== undefined && { hooks: { streamWrite: (line: string) => scrubber.scrub(line) } }),
  }, destination);
  // pino gives child bindings no formatter (it resets `bindings` for children), so they are
  // censored on the way in; children inherit this method, so grandchildren are too.
  const child = logger.child;
  Object.defineProperty(logger, 'child', {
    value: function censoredChild(this: PinoLogger, bindings: Record<string, unknown>, childOptions?: object) {
      return child.call(this, redactSecrets(bindings), childOptions);
    },
  });
  return logger;
}

function redactedError(error: unknown): unknown {
  const serialized: unknown = stdSerializers.err(error as Error);
  return typeof serialized === 'object' && serialized !== null ? redactSerializedError(serialized) : serialized;
}

let lastMs = -1;
let lastStamp = '';

/** Lines come in bursts within one millisecond; the ISO string is formatted once per millisecond. */
function isoTimestamp(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastStamp = `,"timestamp":"${new Date(now).toISOString()}"`;
  }
  return lastStamp;
}
