/** What the approval service stores and how it talks to the message pipeline. */
import type { ApprovalPostMode, ApprovalVote, InboundMessage, LoadedFlow } from '@aof/api';
import type { CommandClass, PendingApproval } from '../../sandbox/protocol.js';
import type { TaskOutcome } from '../runtime/task-outcome.js';
import type { ShownBody } from './approval-body.js';

/** A person on a platform: the same user id in another workspace or on another platform is someone else. */
export interface Identity {
  platform: string;
  /** '' where the platform has no workspaces. */
  workspace: string;
  user: string;
  /** Display name, for replies only; never used to decide. */
  name?: string;
}

export interface ChainSnapshot {
  name: string;
  approvers: string[];
  require: number;
}

export type FinalStatus = 'approved' | 'denied' | 'expired' | 'failed';

/**
 * A pending request, at `approval:<id>`: what the admin API lists. The chain, self-approval and
 * timeout are copied from the flow when the request is made, so a reload cannot change the
 * rules of a request already asked for. Holds no conversation and no raw arguments.
 */
export interface ApprovalRecord {
  id: string;
  status: 'pending';
  flow: string;
  agent: string;
  /** Request id of the message that asked (the log line's `request_id`). */
  requestId: string;
  requester: Identity;
  channel: { id: string; name?: string };
  thread?: string;
  /** The asking message's id: synchronous platforms (local) answer it. */
  messageId: string;
  /** The command as approvers see it (secrets masked). */
  command: string;
  /** What the call sends beside the command (an http POST's body), as approvers see it (masked, cut to size). */
  body?: ShownBody;
  classification: CommandClass;
  /** What made it need approval (rule, require_for entry, classifier). */
  reason: string;
  cluster?: string;
  namespace?: string;
  /** A digest of the flow's context when it was asked (kubeconfig, namespace, cluster, env): see flowContextDigest. */
  contextDigest?: string;
  chain: ChainSnapshot;
  selfApproval: boolean;
  strategy: string;
  mode: ApprovalPostMode;
  /** The posted approval message (reactions on it are votes). */
  approvalMessageId?: string;
  createdAt: number;
  expiresAt: number;
}

/** The suspended run, stored apart from the record: it is raw (the model's own view) and never listed. */
export interface SuspendedRun {
  pending: PendingApproval;
  /** The asking message's text, for the resumed run's context. */
  text: string;
}

export interface StoredVote {
  voter: Identity;
  vote: ApprovalVote;
  at: number;
}

export interface SuspendInput {
  requestId: string;
  message: InboundMessage;
  flow: LoadedFlow;
  agent: string;
  /** An outcome with status `awaiting_approval` and `result.pending`. */
  outcome: TaskOutcome;
}

export interface SuspendResult {
  /** `awaiting_approval` once posted, else `error`. */
  status: string;
  reply: string;
  /** The approval service has posted the reply itself; the pipeline must not post it again. */
  delivered: boolean;
}

/** Work a claimed event still needs (count the vote, run the command): the pipeline tracks it. */
export interface ApprovalClaim {
  approvalId: string;
  settle(): Promise<void>;
}

/** The approval service as the message pipeline sees it. */
export interface ApprovalGate {
  /** A claim when `message` is a vote on (or a command about) an approval request; undefined: route it as usual. */
  claim(message: InboundMessage): Promise<ApprovalClaim | undefined>;
  /** Stores the suspended run, posts the approval request and starts its expiry clock. */
  suspend(input: SuspendInput): Promise<SuspendResult>;
}
