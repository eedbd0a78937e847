/**
 * A new approval request as the store keeps it: who asked, what for (the command as approvers
 * see it, masked), where it would run, who decides and by when. Pure: the service stores, posts
 * and audits it.
 */
import { shownChannel } from '@aof/api';
import type { PendingApproval } from '../../sandbox/protocol.js';
import { shownBody } from './approval-body.js';
import { newApprovalId } from './approval-ids.js';
import { flowContextDigest } from './approval-resume.js';
import { identityOf } from './approvers.js';
import { approvalTimeoutMs } from './task-policy.js';
import type { ApprovalRecord, ChainSnapshot, SuspendInput } from './types.js';

export interface RequestChoices {
  /** The command as shown (displayCommand), masked. */
  command: string;
  chain: ChainSnapshot;
  strategy: string;
  mode: ApprovalRecord['mode'];
  scrub: (text: string) => string;
  now: number;
}

export function newRequestRecord(input: SuspendInput, pending: PendingApproval, choices: RequestChoices): ApprovalRecord {
  const { message, flow } = input;
  const context = flow.flow.spec.context ?? {};
  const channelName = shownChannel(message.channel);
  return {
    id: newApprovalId(),
    status: 'pending',
    flow: flow.flow.metadata.name,
    agent: input.agent,
    requestId: input.requestId,
    requester: identityOf(message),
    channel: { id: message.channel.id, ...(channelName !== message.channel.id && { name: channelName }) },
    ...(message.thread !== undefined && { thread: message.thread }),
    messageId: message.id,
    command: choices.command,
    ...(pending.command.body !== undefined && { body: shownBody(pending.command.body, choices.scrub) }),
    classification: pending.classification,
    reason: pending.reason,
    ...(context.cluster_name !== undefined && { cluster: context.cluster_name }),
    ...(context.namespace !== undefined && { namespace: context.namespace }),
    contextDigest: flowContextDigest(flow),
    chain: choices.chain,
    selfApproval: flow.flow.spec.approval?.self_approval === true,
    strategy: choices.strategy,
    mode: choices.mode,
    createdAt: choices.now,
    expiresAt: choices.now + approvalTimeoutMs(flow),
  };
}
