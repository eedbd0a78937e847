import { DEFAULT_ADMIN_PREFIX } from '../admin/admin-settings.js';
import type { CliIo } from './io.js';

/** A failed admin API call; aofctl prints the message and exits 1. */
class AdminClientError extends Error {}

export interface AdminTarget {
  /** `--server`: the daemon's URL; a path in it replaces the default `/admin` prefix. */
  server: string;
  /** `--token`, else $AOF_ADMIN_TOKEN. */
  token: string | undefined;
}

/** The admin API over HTTP, for `aofctl get` and `aofctl route --server`. */
export async function adminRequest<T>(target: AdminTarget, method: 'GET' | 'POST', endpoint: string, body?: unknown): Promise<T> {
  if (target.token === undefined || target.token === '') {
    throw new AdminClientError('the admin API needs a token: pass --token or set AOF_ADMIN_TOKEN');
  }
  const url = adminUrl(target.server, endpoint);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${target.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch (error) {
    // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a DNS failure, ...).
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw new AdminClientError(`cannot reach ${url}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  const payload = await response.json().catch(() => undefined) as T | { message?: string } | undefined;
  if (!response.ok) {
    const message = typeof payload === 'object' && payload !== null && 'message' in payload ? String(payload.message) : response.statusText;
    throw new AdminClientError(`${method} ${url} answered ${response.status}: ${message}`);
  }
  return payload as T;
}

export function adminTarget(server: string, token: string | undefined, io: CliIo): AdminTarget {
  return { server, token: token ?? io.env.AOF_ADMIN_TOKEN };
}

function adminUrl(server: string, endpoint: string): string {
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw new AdminClientError(`--server must be a URL like http://127.0.0.1:8080, got "${server}"`);
  }
  // Joined by hand: `new URL('//host/admin/x', origin)` would be another host, and the token goes with the request.
  const prefix = base.pathname.replace(/^\/+|\/+$/g, '') || DEFAULT_ADMIN_PREFIX.replace(/^\/+/, '');
  const url = new URL(`${base.origin}/${prefix}/${endpoint}`);
  if (url.origin !== base.origin) throw new AdminClientError(`--server ${server} does not name one admin API address`);
  return url.toString();
}
