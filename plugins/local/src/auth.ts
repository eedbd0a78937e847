import { timingSafeEqual, createHash } from 'node:crypto';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export type AuthVerdict = { ok: true } | { ok: false; status: 401 | 403; error: string };

/**
 * With a token, every request must carry it. Without one, only this machine may talk to the
 * local platform, so a daemon bound to 0.0.0.0 does not hand agents to the whole network.
 */
export function authorize(token: string | undefined, header: string | undefined, remoteAddress: string | undefined): AuthVerdict {
  if (token === undefined || token === '') {
    return remoteAddress !== undefined && LOOPBACK.has(remoteAddress)
      ? { ok: true }
      : { ok: false, status: 403, error: 'the local platform has no token configured and only answers loopback clients' };
  }
  const presented = /^Bearer (.+)$/i.exec(header ?? '')?.[1];
  if (presented === undefined || !sameSecret(presented, token)) return { ok: false, status: 401, error: 'missing or invalid bearer token' };
  return { ok: true };
}

/** Hashing first makes the comparison constant-time regardless of the lengths. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
