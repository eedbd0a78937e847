import { reactionName } from './approval.js';
import { PLATFORM, type Normalized } from './events.js';
import { list, record, text } from './fields.js';
import { stripOwnMention } from './mention.js';
import type { WebMessage, WebReaction } from './web-client.js';

export interface WebNormalizeContext {
  /** The linked account's number (digits), once known. */
  self: string | undefined;
  receivedAt: number;
  /** Messages older than this are dropped (WhatsApp Web replays a backlog after a reconnect); 0 keeps all. */
  maxAgeMs: number;
}

const PERSON = '@c.us';
const GROUP = '@g.us';

/**
 * whatsapp-web.js chat and user ids carry a server suffix. A person's is dropped so ids match
 * Cloud API mode (flows say `users: ["16505551234"]` either way); a group's is kept.
 */
export function shortId(waId: string): string {
  return waId.endsWith(PERSON) ? waId.slice(0, -PERSON.length) : waId;
}

/** The id whatsapp-web.js sends to: a bare number is a person. */
export function chatJid(chatId: string): string {
  return chatId.includes('@') ? chatId : `${chatId}${PERSON}`;
}

/**
 * A received web message -> InboundMessage, in the same shape as Cloud API mode. `quotedId` is
 * the message it replies to, which whatsapp-web.js only gives asynchronously.
 */
export function normalizeWebMessage(message: WebMessage, quotedId: string | undefined, context: WebNormalizeContext): Normalized {
  if (message.fromMe || message.id.fromMe) return { ignored: 'own message' };
  // Status updates, broadcast lists and channels (newsletters) are not conversations the bot is in.
  if (message.isStatus === true || message.broadcast === true || /@(broadcast|newsletter)$/.test(message.from)) return { ignored: 'status or broadcast' };
  if (message.type !== 'chat') return { ignored: `message type ${message.type}` };
  if (tooOld(message.timestamp, context)) return { ignored: 'older than max_age_secs' };
  const user = shortId(message.author ?? message.from);
  if (context.self !== undefined && user === context.self) return { ignored: 'own message' };
  const id = message.id._serialized;
  const mentionsSelf = context.self !== undefined && list(message.mentionedIds).some((entry) => idOf(entry)?.startsWith(`${context.self}@`) === true);
  const { text: cleaned, mentioned } = stripOwnMention(message.body, mentionsSelf && context.self !== undefined ? [context.self] : []);
  const data = record(message._data);
  const userName = text(data?.notifyName);
  return {
    message: {
      id,
      platform: PLATFORM,
      ...(context.self !== undefined && { workspace: context.self }),
      channel: { id: shortId(message.from), type: message.from.endsWith(GROUP) ? 'group' : 'dm' },
      // The push name is whatever the sender typed: shown, never matched (flows' users are numbers).
      user: { id: user, ...(userName !== undefined && { displayName: userName }) },
      thread: quotedId ?? id,
      text: cleaned,
      kind: mentioned ? 'mention' : 'message',
      event: message.type,
      receivedAt: context.receivedAt,
      // WhatsApp Web's plain message data, not the whatsapp-web.js object (which holds the browser).
      raw: data ?? { id, from: message.from, body: message.body, timestamp: message.timestamp },
    },
  };
}

/** A web reaction -> a `reaction` InboundMessage; an empty emoji is a removal. */
export function normalizeWebReaction(reaction: WebReaction, context: WebNormalizeContext): Normalized {
  const user = shortId(reaction.senderId);
  if (reaction.id.fromMe || (context.self !== undefined && user === context.self)) return { ignored: 'own reaction' };
  const chat = idOf(reaction.msgId.remote);
  if (chat === undefined) return { ignored: 'reaction without a chat' };
  if (tooOld(reaction.timestamp, context)) return { ignored: 'older than max_age_secs' };
  const removed = reaction.reaction === '';
  const target = reaction.msgId._serialized;
  return {
    message: {
      id: removed ? `${reaction.id._serialized}:removed` : reaction.id._serialized,
      platform: PLATFORM,
      ...(context.self !== undefined && { workspace: context.self }),
      channel: { id: shortId(chat), type: chat.endsWith(GROUP) ? 'group' : 'dm' },
      user: { id: user },
      thread: target,
      text: '',
      kind: 'reaction',
      event: 'message_reaction',
      reaction: { name: reactionName(reaction.reaction), messageId: target, removed },
      receivedAt: context.receivedAt,
      raw: { id: reaction.id, msgId: reaction.msgId, reaction: reaction.reaction, senderId: reaction.senderId, timestamp: reaction.timestamp },
    },
  };
}

function tooOld(timestampSecs: number, context: WebNormalizeContext): boolean {
  return context.maxAgeMs > 0 && Number.isFinite(timestampSecs) && context.receivedAt - timestampSecs * 1000 > context.maxAgeMs;
}

/** Mentioned ids arrive as serialized strings or as wid objects, depending on the version. */
function idOf(entry: unknown): string | undefined {
  return typeof entry === 'string' ? entry : text(record(entry)?._serialized);
}
