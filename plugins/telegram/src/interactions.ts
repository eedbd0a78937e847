import type { InboundMessage } from '@aof/api';
import { channelOf, PLATFORM, threadOf, userOf, type NormalizeContext, type Normalized } from './chat.js';
import { idOf, list, record, text, type Fields } from './fields.js';

/**
 * An inline-keyboard click -> a `button` message. The callback data `aof_approve:<id>` is read as
 * action `aof_approve` with value `<id>`, which is how approval buttons are posted.
 */
export function normalizeCallbackQuery(updateId: string, update: Fields, query: Fields, context: NormalizeContext): Normalized {
  const message = record(query.message);
  // Inline-mode buttons carry inline_message_id and no message: there is no chat to answer in.
  if (message === undefined) return { ignored: 'callback query without a message (inline mode)' };
  const channel = channelOf(record(message.chat), context.matchTitles);
  const messageId = idOf(message.message_id);
  const from = record(query.from);
  const user = userOf(from);
  const data = text(query.data);
  if (channel === undefined || messageId === undefined || user === undefined) return { ignored: 'callback query without chat, message id or user' };
  if (from?.is_bot === true) return { ignored: 'callback query from a bot' };
  if (data === undefined) return { ignored: 'callback query without data (a game button)' };
  const separator = data.indexOf(':');
  const actionId = separator === -1 ? data : data.slice(0, separator);
  const value = separator === -1 ? undefined : data.slice(separator + 1);
  const thread = threadOf(message, false);
  const queryId = text(query.id);
  return {
    messages: [{
      id: updateId,
      platform: PLATFORM,
      channel,
      user,
      ...(thread !== undefined && { thread }),
      text: '',
      kind: 'button',
      event: 'callback_query',
      action: { id: actionId, ...(value !== undefined && { value }), messageId },
      receivedAt: context.receivedAt,
      raw: update,
    }],
    ...(queryId !== undefined && { callbackQueryId: queryId }),
  };
}

/**
 * `message_reaction` -> one `reaction` message per emoji added or removed. Telegram sends the
 * old and new lists of the user's reactions; changing 👍 to 👎 is one removal and one addition.
 */
export function normalizeReaction(updateId: string, update: Fields, reaction: Fields, context: NormalizeContext): Normalized {
  const channel = channelOf(record(reaction.chat), context.matchTitles);
  const messageId = idOf(reaction.message_id);
  const person = record(reaction.user);
  // Anonymous group admins react as the group (actor_chat): no person to authorize.
  const user = userOf(person);
  if (channel === undefined || messageId === undefined || user === undefined) return { ignored: 'reaction without chat, message id or user' };
  if (person?.is_bot === true || user.id === context.bot.id) return { ignored: 'reaction by a bot' };
  const before = reactionNames(reaction.old_reaction);
  const after = reactionNames(reaction.new_reaction);
  const changes = [
    ...after.filter((name) => !before.includes(name)).map((name) => ({ name, removed: false })),
    ...before.filter((name) => !after.includes(name)).map((name) => ({ name, removed: true })),
  ];
  if (changes.length === 0) return { ignored: 'reaction update without a change' };
  const messages = changes.map((change, index): InboundMessage => ({
    id: changes.length === 1 ? updateId : `${updateId}:${index}`,
    platform: PLATFORM,
    channel,
    user,
    text: '',
    kind: 'reaction',
    event: 'message_reaction',
    reaction: { name: change.name, messageId, removed: change.removed },
    receivedAt: context.receivedAt,
    raw: update,
  }));
  return { messages };
}

/** The emoji itself (👍), `custom:<id>` for custom emoji, `paid` for the paid star reaction. */
function reactionNames(reactions: unknown): string[] {
  const names: string[] = [];
  for (const entry of list(reactions)) {
    const reaction = record(entry);
    const name = reaction?.type === 'emoji' ? text(reaction.emoji)
      : reaction?.type === 'custom_emoji' ? prefixed('custom:', text(reaction.custom_emoji_id))
      : reaction?.type === 'paid' ? 'paid' : undefined;
    if (name !== undefined) names.push(name);
  }
  return names;
}

function prefixed(prefix: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : `${prefix}${value}`;
}
