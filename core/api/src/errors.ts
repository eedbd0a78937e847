/**
 * Every coded error the kernel and plugins raise. One list, so an operator can grep a code
 * from a log line straight to its meaning.
 */
export const ErrorCode = {
  CONFIG_NOT_FOUND: 'AOF_ERR_CONFIG_NOT_FOUND',
  CONFIG_PARSE: 'AOF_ERR_CONFIG_PARSE',
  CONFIG_INVALID: 'AOF_ERR_CONFIG_INVALID',
  CONFIG_ENV_MISSING: 'AOF_ERR_CONFIG_ENV_MISSING',
  CONFIG_DUPLICATE: 'AOF_ERR_CONFIG_DUPLICATE',
  CONFIG_UNKNOWN_AGENT: 'AOF_ERR_CONFIG_UNKNOWN_AGENT',
  PATTERN_INVALID: 'AOF_ERR_PATTERN_INVALID',
  PLUGIN_NOT_FOUND: 'AOF_ERR_PLUGIN_NOT_FOUND',
  PLUGIN_INVALID: 'AOF_ERR_PLUGIN_INVALID',
  PLUGIN_API_VERSION: 'AOF_ERR_PLUGIN_API_VERSION',
  PLUGIN_CONFIG_INVALID: 'AOF_ERR_PLUGIN_CONFIG_INVALID',
  PLUGIN_DEPENDENCY: 'AOF_ERR_PLUGIN_DEPENDENCY',
  PLUGIN_DUPLICATE: 'AOF_ERR_PLUGIN_DUPLICATE',
  PLUGIN_HOOK_FAILED: 'AOF_ERR_PLUGIN_HOOK_FAILED',
  PLUGIN_TIMEOUT: 'AOF_ERR_PLUGIN_TIMEOUT',
  STORE_FAILED: 'AOF_ERR_STORE_FAILED',
  APPROVAL_TOO_LONG: 'AOF_ERR_APPROVAL_TOO_LONG',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface AofErrorOptions {
  /** The plugin the error comes from or is about. */
  plugin?: string;
  /** The plugin hook that failed (init, start, stop, ...). */
  hook?: string;
  /** Structured details safe to log (never secrets). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class AofError extends Error {
  readonly code: ErrorCode;
  readonly plugin: string | undefined;
  readonly hook: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AofErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AofError';
    this.code = code;
    this.plugin = options.plugin;
    this.hook = options.hook;
    this.details = options.details;
  }
}

export function isAofError(value: unknown, code?: ErrorCode): value is AofError {
  return value instanceof Error && (value as AofError).name === 'AofError' &&
    typeof (value as AofError).code === 'string' && (code === undefined || (value as AofError).code === code);
}
