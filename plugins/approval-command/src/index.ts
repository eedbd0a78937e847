import { definePlugin, type ApprovalVote, type InboundMessage } from '@aof/api';

/** `/approve apr-…`, `approve apr-…`, `/deny …`, `/withdraw …` (any case; the slash is optional in chat text). */
const COMMAND = /^\s*\/?(approve|deny|withdraw)\s+(apr-[a-z0-9]+)\s*[.!]?\s*$/i;
const VOTES: Readonly<Record<string, ApprovalVote>> = { approve: 'approve', deny: 'deny', withdraw: 'withdraw' };

/** The vote a typed command casts on request `id`, or undefined when the text is not one (or names another request). */
export function readApprovalCommand(event: InboundMessage, id: string): ApprovalVote | undefined {
  if (event.kind !== 'message' && event.kind !== 'mention' && event.kind !== 'command') return undefined;
  // A slash command's name is its event: `/approve apr-1` arrives as event `/approve`, text `apr-1`;
  // `/aof approve apr-1` as text `approve apr-1`.
  const match = COMMAND.exec(event.text) ?? (event.kind === 'command' && event.event !== undefined ? COMMAND.exec(`${event.event} ${event.text}`) : null);
  if (match === null || match[2]?.toLowerCase() !== id) return undefined;
  return VOTES[match[1]?.toLowerCase() ?? ''];
}

/**
 * The `command` strategy: requests are posted as a plain message, and approvers answer with
 * `/approve ID` or `/deny ID`. Works on every platform; the other built-in strategies hand typed
 * commands to it, so people without reactions or buttons can always answer.
 */
export const plugin = definePlugin({
  name: 'approval-command',
  kind: 'approval',
  init: () => ({
    strategy: 'command',
    mode: 'command',
    interpret: (event, context) => readApprovalCommand(event, context.request.id),
  }),
});

export default plugin;
