import { createHash, timingSafeEqual } from 'node:crypto';

/** True when the Authorization header carries `Bearer <token>`; constant time whatever the lengths. */
export function hasAdminToken(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(header ?? '')?.[1];
  if (presented === undefined) return false;
  // Digests have one length, so the comparison time says nothing about the token's length or prefix.
  return timingSafeEqual(createHash('sha256').update(presented).digest(), createHash('sha256').update(token).digest());
}
