import type { InboundMessage } from '@aof/api';
import { idOf, record, text, type Fields } from './fields.js';
import type { BotIdentity } from './identity.js';

export const PLATFORM = 'telegram';

export interface NormalizeContext {
  bot: BotIdentity;
  ignoreEdits: boolean;
  /** platforms.telegram.match_titles: group titles are names flows match, not only shown. */
  matchTitles?: boolean;
  receivedAt: number;
}

/**
 * The messages an update becomes (a reaction change can be two: one removed, one added), or why
 * it is none (logged at debug, never submitted). `callbackQueryId` is a button click to answer;
 * `topic` a forum topic the reply must be posted in with message_thread_id.
 */
export type Normalized =
  | { messages: InboundMessage[]; callbackQueryId?: string; topic?: { chatId: string; thread: string } }
  | { ignored: string };

/**
 * Chat -> channel: private chats are DMs, groups and supergroups groups. A group or channel is
 * named by its public @username, which is unique on Telegram and only its admins can set; its
 * title is anyone's to choose (any user can create a group called "production" and add the bot),
 * so it is shown, never matched, unless `matchTitles` (then the title is the name and the
 * @username the handle). A private chat is named nothing: its username is the user's.
 */
export function channelOf(chat: Fields | undefined, matchTitles = false): InboundMessage['channel'] | undefined {
  const id = idOf(chat?.id);
  if (chat === undefined || id === undefined) return undefined;
  const type = chat.type === 'private' ? 'dm' : chat.type === 'channel' ? 'channel' : 'group';
  if (type === 'dm') return { id, type };
  const username = text(chat.username);
  const handle = username === undefined ? undefined : `@${username}`;
  const title = text(chat.title);
  if (matchTitles && title !== undefined) return { id, type, name: title, ...(handle !== undefined && { handle }) };
  return { id, type, ...(handle !== undefined && { name: handle }), ...(title !== undefined && { title }) };
}

/** A user (or, for channel posts, the sender chat); named by username, which flows' `users` match. */
export function userOf(user: Fields | undefined): InboundMessage['user'] | undefined {
  const id = idOf(user?.id);
  if (id === undefined) return undefined;
  const name = text(user?.username);
  return { id, ...(name !== undefined && { name }) };
}

/**
 * The thread a reply belongs in: the forum topic or reply chain (`message_thread_id`), else the
 * message replied to, else (`orSelf`) the message itself, so the answer replies to the question.
 */
export function threadOf(message: Fields, orSelf: boolean): string | undefined {
  return idOf(message.message_thread_id) ?? idOf(record(message.reply_to_message)?.message_id) ?? (orSelf ? idOf(message.message_id) : undefined);
}

/** Only a message in a forum topic is posted to with message_thread_id; other threads are replies. */
export function topicOf(message: Fields, channelId: string): { chatId: string; thread: string } | undefined {
  const thread = message.is_topic_message === true ? idOf(message.message_thread_id) : undefined;
  return thread === undefined ? undefined : { chatId: channelId, thread };
}
