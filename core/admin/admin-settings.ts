import { AofError, ErrorCode, type DaemonConfigSpec } from '@aof/api';
import { shownEnvName } from '../config/secrets.js';

export interface AdminSettings {
  token: string;
  /** Path the endpoints live under, like `/admin` (no trailing slash). */
  prefix: string;
  /** Its own listener on this port (same host as the daemon); absent: served on the daemon's port. */
  port: number | undefined;
  /** `server.timeout_secs`, for that own listener as for the daemon's. */
  requestTimeoutMs: number | undefined;
  /** `server.body_limit_bytes`, likewise. */
  bodyLimitBytes: number;
}

export const DEFAULT_ADMIN_PREFIX = '/admin';

/**
 * The admin API's settings, or undefined when it is off (the default). Enabled without a token
 * is refused at startup: an admin API anyone can call would hand out routing and reloads.
 */
export function adminSettings(spec: DaemonConfigSpec, env: Record<string, string | undefined>): AdminSettings | undefined {
  const admin = spec.admin;
  if (admin?.enabled !== true) return undefined;
  const token = admin.token ?? (admin.token_env === undefined ? undefined : env[admin.token_env]);
  if (token === undefined || token === '') {
    const fix = admin.token_env === undefined
      ? 'set admin.token_env to the name of an environment variable holding the token (or admin.token)'
      : `set the environment variable ${shownEnvName(admin.token_env)} named by admin.token_env`;
    throw new AofError(ErrorCode.CONFIG_INVALID, `admin.enabled is true but no admin token is configured: ${fix}, or set admin.enabled: false`);
  }
  const prefix = (admin.prefix ?? DEFAULT_ADMIN_PREFIX).replace(/\/+$/, '');
  const timeoutSecs = spec.server.timeout_secs;
  return {
    token,
    prefix: prefix === '' ? DEFAULT_ADMIN_PREFIX : prefix,
    port: admin.port,
    requestTimeoutMs: timeoutSecs === undefined ? undefined : timeoutSecs * 1000,
    bodyLimitBytes: spec.server.body_limit_bytes,
  };
}
