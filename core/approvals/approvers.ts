/**
 * Who may approve: a chain's approvers, matched by platform + workspace + user id. An entry is
 * `U015SRE` (a user of the request's own platform and workspace) or qualified,
 * `slack:T123:U015SRE` (`local:alice` for a platform without workspaces).
 */
import { shownUser, type ApprovalConfig, type InboundMessage } from '@aof/api';
import type { ChainSnapshot, Identity } from './types.js';

/** The chain-of-one name `allowed_users` gets. */
export const ALLOWED_USERS_CHAIN = 'allowed_users';

export function identityOf(message: Pick<InboundMessage, 'platform' | 'workspace' | 'user'>): Identity {
  return {
    platform: message.platform,
    workspace: message.workspace ?? '',
    user: message.user.id,
    ...(shownUser(message.user) !== message.user.id && { name: shownUser(message.user) }),
  };
}

export function sameIdentity(a: Identity, b: Identity): boolean {
  return a.platform === b.platform && a.workspace === b.workspace && a.user === b.user;
}

/** The identity an approver entry names, given the platform and workspace the request was made in. */
export function approverIdentity(entry: string, request: Pick<Identity, 'platform' | 'workspace'>): Identity {
  const parts = entry.split(':');
  if (parts.length === 3) return { platform: (parts[0] ?? '').toLowerCase(), workspace: parts[1] ?? '', user: parts[2] ?? '' };
  if (parts.length === 2) return { platform: (parts[0] ?? '').toLowerCase(), workspace: '', user: parts[1] ?? '' };
  return { platform: request.platform, workspace: request.workspace, user: entry };
}

export function isApprover(chain: ChainSnapshot, voter: Identity, requester: Identity): boolean {
  return chain.approvers.some((entry) => sameIdentity(approverIdentity(entry, requester), voter));
}

/**
 * The chain a request goes to: the one a rule picked, else `allowed_users` as a chain of one,
 * else the flow's first chain. Undefined when the flow names no approvers at all.
 */
export function chainFor(approval: ApprovalConfig | undefined, picked: string | undefined): ChainSnapshot | undefined {
  const chains = approval?.chains ?? [];
  const snapshot = (chain: { name: string; approvers: string[]; require: number }): ChainSnapshot =>
    ({ name: chain.name, approvers: [...chain.approvers], require: chain.require });
  if (picked !== undefined) {
    const named = chains.find((chain) => chain.name === picked);
    return named === undefined ? undefined : snapshot(named);
  }
  const allowed = approval?.allowed_users ?? [];
  if (allowed.length > 0) return { name: ALLOWED_USERS_CHAIN, approvers: [...allowed], require: 1 };
  const first = chains[0];
  return first === undefined ? undefined : snapshot(first);
}

/** `alice (U0ALICE)` when the name is known and differs from the id. */
export function displayName(identity: Identity): string {
  return identity.name !== undefined && identity.name !== identity.user ? `${identity.name} (${identity.user})` : identity.user;
}
