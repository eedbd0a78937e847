/**
 * The rules a vote must pass and what the votes add up to. Pure, so every rule can be read (and
 * tested) in one place: only listed approvers count, no self-approval unless the flow allows it,
 * N distinct approvers, any approver's deny ends it, a withdrawal takes that approval back.
 */
import { isApprover, sameIdentity } from './approvers.js';
import type { ApprovalRecord, Identity, StoredVote } from './types.js';
import type { ApprovalVote } from '@aof/api';

export type IneligibleReason = 'not_an_approver' | 'self_approval';

export type Eligibility = { ok: true } | { ok: false; reason: IneligibleReason };

export function eligibility(record: ApprovalRecord, voter: Identity, vote: ApprovalVote): Eligibility {
  if (!isApprover(record.chain, voter, record.requester)) return { ok: false, reason: 'not_an_approver' };
  // A requester who is an approver may still deny (call off) their own request.
  if (vote !== 'deny' && !record.selfApproval && sameIdentity(voter, record.requester)) return { ok: false, reason: 'self_approval' };
  return { ok: true };
}

export type Tally =
  | { state: 'pending'; approvers: Identity[] }
  | { state: 'approved'; approvers: Identity[] }
  | { state: 'denied'; by: Identity };

/** Replays the votes in the order they were stored; ineligible ones (should any be stored) are skipped. */
export function tally(record: ApprovalRecord, votes: readonly StoredVote[]): Tally {
  const approvers: Identity[] = [];
  for (const { voter, vote } of votes) {
    if (!eligibility(record, voter, vote).ok) continue;
    const index = approvers.findIndex((approver) => sameIdentity(approver, voter));
    if (vote === 'deny') return { state: 'denied', by: voter };
    if (vote === 'approve' && index === -1) approvers.push(voter);
    if (vote === 'withdraw' && index !== -1) approvers.splice(index, 1);
    if (approvers.length >= record.chain.require) return { state: 'approved', approvers };
  }
  return { state: 'pending', approvers };
}
