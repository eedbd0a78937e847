import { shownField, type InboundMessage, type MessageKind } from '@aof/api';
import type { ChannelInfo } from './directory.js';
import { list, record, snowflake, text, type Fields } from './fields.js';

export const PLATFORM = 'discord';

export interface GatewayContext {
  /** The bot's own user id (from READY); undefined only before the gateway said hello. */
  botUserId: string | undefined;
  ignoreEdits: boolean;
  mentionsOnly: boolean;
  receivedAt: number;
}

/**
 * A message for the kernel, or why the event is not one (logged at debug, never submitted).
 * `channel.id` is still the raw Discord channel, which may be a thread; the pipeline places it.
 */
export type Normalized = { message: InboundMessage; channelHint?: ChannelInfo } | { ignored: string };

/** DEFAULT and REPLY; every other message type (joins, pins, thread created, command responses, ...) is Discord narrating. */
const PERSON_MESSAGE_TYPES = new Set([0, 19]);

/** Gateway dispatch (`op: 0`) -> InboundMessage. INTERACTION_CREATE is handled with the HTTP interactions. */
export function normalizeDispatch(packet: Fields, context: GatewayContext): Normalized {
  const data = record(packet.d);
  const type = text(packet.t) ?? '(none)';
  if (packet.op !== 0 || data === undefined) return { ignored: `gateway packet op ${shownField(packet.op)}` };
  switch (type) {
    case 'MESSAGE_CREATE':
      return messageEvent(packet, data, type, context);
    case 'MESSAGE_UPDATE':
      if (context.ignoreEdits) return { ignored: 'edit (ignore_edits)' };
      // Discord also sends MESSAGE_UPDATE when it adds a link preview; only a person's edit has edited_timestamp.
      if (text(data.edited_timestamp) === undefined) return { ignored: 'message update that is not an edit' };
      return messageEvent(packet, data, type, context);
    case 'MESSAGE_REACTION_ADD':
    case 'MESSAGE_REACTION_REMOVE':
      return reactionEvent(packet, data, type, context);
    default:
      return { ignored: `gateway event ${type}` };
  }
}

function messageEvent(packet: Fields, data: Fields, type: string, context: GatewayContext): Normalized {
  const author = record(data.author);
  // Webhook posts carry a made-up author; bots include our own replies, which Discord echoes back.
  if (author?.bot === true || data.webhook_id !== undefined) return { ignored: 'bot or webhook message' };
  const id = snowflake(data.id);
  const channel = snowflake(data.channel_id);
  const user = snowflake(author?.id);
  if (id === undefined || channel === undefined || user === undefined) return { ignored: 'message without id, channel or author' };
  if (user === context.botUserId) return { ignored: 'own message' };
  const messageType = typeof data.type === 'number' ? data.type : 0;
  if (!PERSON_MESSAGE_TYPES.has(messageType)) return { ignored: `message type ${messageType}` };
  const content = typeof data.content === 'string' ? data.content : '';
  // Without the Message Content intent Discord blanks the content of messages that do not mention the bot.
  if (content.trim() === '') return { ignored: 'message without text (attachments only, or the Message Content intent is off)' };
  const guild = snowflake(data.guild_id);
  const mentioned = mentionsBot(data, content, context.botUserId);
  if (guild !== undefined && context.mentionsOnly && !mentioned) return { ignored: 'message without a mention (messages: mentions)' };
  const kind: MessageKind = mentioned ? 'mention' : 'message';
  const name = text(author?.username);
  const edited = type === 'MESSAGE_UPDATE' ? text(data.edited_timestamp) : undefined;
  return {
    message: {
      // An edit is a new request; the edit time keeps it apart from the original and from a redelivery.
      id: edited === undefined ? id : `${id}:edit:${edited}`,
      platform: PLATFORM,
      ...(guild !== undefined && { workspace: guild }),
      channel: { id: channel, type: guild === undefined ? 'dm' : 'channel' },
      user: { id: user, ...(name !== undefined && { name }) },
      text: cleanText(content, context.botUserId),
      kind,
      event: type,
      receivedAt: context.receivedAt,
      raw: packet,
    },
  };
}

function reactionEvent(packet: Fields, data: Fields, type: string, context: GatewayContext): Normalized {
  const user = snowflake(data.user_id);
  const channel = snowflake(data.channel_id);
  const messageId = snowflake(data.message_id);
  const name = emojiName(record(data.emoji));
  if (user === undefined || channel === undefined || messageId === undefined || name === undefined) {
    return { ignored: 'reaction without user, channel, message or emoji' };
  }
  // The bot adds the approve and deny reactions to its own approval messages; those are not votes.
  if (user === context.botUserId) return { ignored: 'own reaction' };
  const member = record(record(data.member)?.user);
  if (member?.bot === true) return { ignored: 'bot reaction' };
  const guild = snowflake(data.guild_id);
  const removed = type === 'MESSAGE_REACTION_REMOVE';
  const userName = text(member?.username);
  return {
    message: {
      // Reaction events carry no id of their own: who, what, on which message, added or removed.
      id: `${messageId}:${user}:${name}:${removed ? 'remove' : 'add'}`,
      platform: PLATFORM,
      ...(guild !== undefined && { workspace: guild }),
      channel: { id: channel, type: guild === undefined ? 'dm' : 'channel' },
      user: { id: user, ...(userName !== undefined && { name: userName }) },
      text: '',
      kind: 'reaction',
      event: type,
      reaction: { name, messageId, removed },
      receivedAt: context.receivedAt,
      raw: packet,
    },
  };
}

/** A standard emoji by its character (`✅`), a custom one as `name:id`, the form reaction URLs use. */
function emojiName(emoji: Fields | undefined): string | undefined {
  const name = text(emoji?.name);
  const id = snowflake(emoji?.id);
  if (id !== undefined) return `${name ?? '_'}:${id}`;
  return name;
}

function mentionsBot(data: Fields, content: string, botUserId: string | undefined): boolean {
  if (botUserId === undefined) return false;
  if (content.includes(`<@${botUserId}>`) || content.includes(`<@!${botUserId}>`)) return true;
  return list(data.mentions).some((mention) => record(mention)?.id === botUserId);
}

const LEADING_MENTION = /^\s*<@!?(\d+)>[\s,:]*/;

/** The text flows match and agents read: the bot's own leading mention removed. */
export function cleanText(content: string, botUserId: string | undefined): string {
  const mention = LEADING_MENTION.exec(content);
  const stripped = mention !== null && mention[1] === botUserId ? content.slice(mention[0].length) : content;
  return stripped.trim();
}
