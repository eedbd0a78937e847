import { Routes } from 'discord.js';
import { closedApprovalText, type ApprovalCloseMessage } from '@aof/api';
import { snowflake } from './fields.js';
import { markdownToDiscord } from './format.js';
import { MESSAGE_DEFAULTS } from './outbound.js';
import type { DiscordRest } from './rest.js';
import { DISCORD_MESSAGE_LIMIT, truncateMessage } from './split.js';

/**
 * Closes a decided approval request: the message is edited to say the decision, formatted as
 * replies are, in one message (the summary when the whole text does not fit; cut only if even
 * that does not), and `components: []` takes its buttons away, so nobody
 * clicks a closed request. Sent through the delivery REST manager, which waits out 429s. A
 * message posted in a thread is edited there: Discord reaches a message only through the
 * channel it is in, not the thread's parent.
 */
export async function closeApprovalMessage(rest: DiscordRest, request: ApprovalCloseMessage): Promise<void> {
  const messageId = snowflake(request.messageId);
  if (messageId === undefined) throw new Error(`not a Discord message id: "${request.messageId}"`);
  const channelId = request.thread ?? request.channelId;
  const body = { content: closedApprovalText(request, markdownToDiscord, DISCORD_MESSAGE_LIMIT, truncateMessage), ...MESSAGE_DEFAULTS, components: [] };
  await rest.deliver('patch', Routes.channelMessage(channelId, messageId), 'PATCH /channels/:id/messages/:id', { body });
}
