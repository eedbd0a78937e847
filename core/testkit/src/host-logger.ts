import type { LogFn, Logger } from '@aof/api';

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

export type HostLogLevel = keyof typeof LEVELS;

/**
 * A Logger that writes one JSON object per line, shaped like the daemon's pino lines (`level`
 * name, ISO `timestamp`, bindings, fields, `msg`), so a test can assert on what a plugin logs.
 * Unlike the daemon's, it censors nothing: a secret a plugin logs must show up to be caught.
 */
export function createLineLogger(write: (line: string) => void, minimum: HostLogLevel = 'debug', bindings: Record<string, unknown> = {}): Logger {
  const method = (level: HostLogLevel): LogFn => ((first: string | Record<string, unknown>, message?: string): void => {
    if (LEVELS[level] < LEVELS[minimum]) return;
    const fields = typeof first === 'string' ? {} : first;
    const msg = typeof first === 'string' ? first : message;
    write(toLine({ level, timestamp: new Date().toISOString(), ...bindings, ...fields, ...(msg !== undefined && { msg }) }));
  }) as LogFn;
  return {
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    fatal: method('fatal'),
    child: (more) => createLineLogger(write, minimum, { ...bindings, ...more }),
  };
}

/** Never throws into the plugin that logged: a field JSON cannot hold still leaves a line. */
function toLine(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record, serializable);
  } catch (cause) {
    return JSON.stringify({ level: record.level, timestamp: record.timestamp, msg: record.msg, logError: String(cause) });
  }
}

/** Errors keep their message and stack (JSON.stringify would write `{}`); bigints become strings. */
function serializable(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (!(value instanceof Error)) return value;
  return { ...value, type: value.name, message: value.message, stack: value.stack, ...(value.cause !== undefined && { cause: value.cause }) };
}
