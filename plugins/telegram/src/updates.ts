import type { NormalizeContext, Normalized } from './chat.js';
import { idOf, record, type Fields } from './fields.js';
import { normalizeCallbackQuery, normalizeReaction } from './interactions.js';
import { normalizeMessage } from './messages.js';

const MESSAGE_FIELDS = ['message', 'channel_post'] as const;
const EDIT_FIELDS = ['edited_message', 'edited_channel_post'] as const;

/** A Telegram `Update` (webhook body or getUpdates entry) -> the messages it holds for the kernel. */
export function normalizeUpdate(update: Fields, context: NormalizeContext): Normalized {
  const updateId = idOf(update.update_id);
  if (updateId === undefined) return { ignored: 'update without update_id' };
  for (const field of MESSAGE_FIELDS) {
    const message = record(update[field]);
    if (message !== undefined) return normalizeMessage(updateId, update, message, field, context);
  }
  for (const field of EDIT_FIELDS) {
    const message = record(update[field]);
    if (message === undefined) continue;
    return context.ignoreEdits ? { ignored: 'edit (ignore_edits)' } : normalizeMessage(updateId, update, message, field, context);
  }
  const query = record(update.callback_query);
  if (query !== undefined) return normalizeCallbackQuery(updateId, update, query, context);
  const reaction = record(update.message_reaction);
  if (reaction !== undefined) return normalizeReaction(updateId, update, reaction, context);
  return { ignored: `update type ${Object.keys(update).find((key) => key !== 'update_id') ?? '(none)'}` };
}
