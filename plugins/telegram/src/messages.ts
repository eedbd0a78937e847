import type { MessageKind } from '@aof/api';
import { readAddressing } from './addressing.js';
import { channelOf, PLATFORM, threadOf, topicOf, userOf, type NormalizeContext, type Normalized } from './chat.js';
import { idOf, record, text, type Fields } from './fields.js';

/** A message, channel post or (with ignore_edits: false) an edit of either -> InboundMessage. */
export function normalizeMessage(updateId: string, update: Fields, message: Fields, event: string, context: NormalizeContext): Normalized {
  const channel = channelOf(record(message.chat), context.matchTitles);
  if (channel === undefined) return { ignored: 'message without a chat' };
  const from = record(message.from);
  // Bots (this one included) are never answered: two bots in a group would answer each other forever.
  if (from?.is_bot === true || idOf(from?.id) === context.bot.id) return { ignored: 'message from a bot' };
  // A channel post mirrored into its discussion group; the post itself arrives as channel_post.
  if (message.is_automatic_forward === true) return { ignored: 'automatic forward from a linked channel' };
  const user = userOf(from) ?? userOf(record(message.sender_chat));
  if (user === undefined) return { ignored: 'message without a sender' };
  const raw = text(message.text) ?? text(message.caption);
  if (raw === undefined) return { ignored: 'message without text (a service message or bare media)' };
  const addressing = readAddressing(raw, context.bot.username);
  if (addressing.forOtherBot) return { ignored: 'command addressed to another bot' };
  const repliesToBot = idOf(record(record(message.reply_to_message)?.from)?.id) === context.bot.id;
  const kind: MessageKind = addressing.command !== undefined ? 'command' : addressing.mentioned || repliesToBot ? 'mention' : 'message';
  const thread = threadOf(message, true);
  const topic = topicOf(message, channel.id);
  return {
    messages: [{
      id: updateId,
      platform: PLATFORM,
      channel,
      user,
      ...(thread !== undefined && { thread }),
      text: addressing.text,
      kind,
      event: addressing.command ?? event,
      receivedAt: context.receivedAt,
      raw: update,
    }],
    ...(topic !== undefined && { topic }),
  };
}
