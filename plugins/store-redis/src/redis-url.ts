/**
 * The Redis address as logs and errors may show it: scheme, host, port and database, never the
 * user or password a `redis://user:password@host` URL carries.
 */
export function describeRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(an unparsable Redis URL)';
  }
  const port = parsed.port === '' ? '6379' : parsed.port;
  const db = parsed.pathname.length > 1 ? parsed.pathname : '';
  return `${parsed.protocol}//${parsed.hostname}:${port}${db}`;
}

/** Why a configured URL cannot be a Redis address, or undefined when it can. */
export function redisUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL (expected redis://host:port or rediss://host:port)';
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return `has scheme "${parsed.protocol.slice(0, -1)}" (expected redis or rediss)`;
  if (parsed.hostname === '') return 'names no host';
  return undefined;
}
