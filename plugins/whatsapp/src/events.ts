import { shownField, type InboundMessage } from '@aof/api';
import { buttonAction, reactionName } from './approval.js';
import { list, record, text, type Fields } from './fields.js';
import { digitsOf, stripOwnMention } from './mention.js';

export const PLATFORM = 'whatsapp';

/** A message for the kernel, or why an item of the delivery is not one (logged at debug, never submitted). */
export type Normalized = { message: InboundMessage } | { ignored: string };

export interface CloudNormalizeContext {
  receivedAt: number;
  /** Messages older than this (by their signed `timestamp`) are dropped; 0 keeps all. */
  maxAgeMs: number;
}

/** Everything the message fields of one item share: who, where, and the item itself as `raw`. */
type Base = Pick<InboundMessage, 'platform' | 'workspace' | 'channel' | 'user' | 'event' | 'receivedAt' | 'raw'>;

/**
 * A Cloud API webhook body -> one result per item it carries. One POST may batch several
 * messages; delivery statuses (sent, delivered, read) and error notifications are not messages.
 */
export function normalizeCloudWebhook(body: Fields, context: CloudNormalizeContext): Normalized[] {
  if (body.object !== 'whatsapp_business_account') return [{ ignored: `webhook object ${shownField(body.object)}` }];
  const results: Normalized[] = [];
  for (const entry of list(body.entry)) {
    for (const item of list(record(entry)?.changes)) {
      const change = record(item);
      const value = record(change?.value);
      if (change?.field !== 'messages' || value === undefined) {
        results.push({ ignored: `webhook field ${shownField(change?.field)}` });
        continue;
      }
      for (const _status of list(value.statuses)) results.push({ ignored: 'delivery status' });
      for (const _error of list(value.errors)) results.push({ ignored: 'error notification' });
      for (const message of list(value.messages)) results.push(guarded(() => normalizeCloudMessage(record(message), value, context)));
    }
  }
  return results;
}

/** One item that cannot be read must not cost the delivery's other messages. */
function guarded(normalize: () => Normalized): Normalized {
  try {
    return normalize();
  } catch (error) {
    return { ignored: `unreadable message (${error instanceof Error ? error.message : 'unknown error'})` };
  }
}

function normalizeCloudMessage(message: Fields | undefined, value: Fields, context: CloudNormalizeContext): Normalized {
  const id = text(message?.id);
  const from = text(message?.from);
  const type = text(message?.type);
  if (message === undefined || id === undefined || from === undefined || type === undefined) return { ignored: 'message without id, sender or type' };
  const metadata = record(value.metadata);
  const ownNumber = digitsOf(text(metadata?.display_phone_number));
  // Coexistence and echo setups can show the business's own messages; never answer ourselves.
  if (ownNumber !== undefined && digitsOf(from) === ownNumber) return { ignored: 'own message' };
  const sentAt = Number(text(message.timestamp));
  if (context.maxAgeMs > 0 && Number.isFinite(sentAt) && context.receivedAt - sentAt * 1000 > context.maxAgeMs) {
    return { ignored: 'older than max_age_secs' };
  }
  const phoneNumberId = text(metadata?.phone_number_id);
  const groupId = text(message.group_id);
  const userName = contactName(value, from);
  const base: Base = {
    platform: PLATFORM,
    // The number that received the message is the one that answers it (see README: workspace).
    ...(phoneNumberId !== undefined && { workspace: phoneNumberId }),
    channel: groupId === undefined ? { id: from, type: 'dm' } : { id: groupId, type: 'group' },
    // A profile name is whatever the sender typed: shown, never matched (flows' users are numbers).
    user: { id: from, ...(userName !== undefined && { displayName: userName }) },
    event: type,
    receivedAt: context.receivedAt,
    raw: { ...value, messages: [message] },
  };
  const repliedTo = text(record(message.context)?.id);
  switch (type) {
    case 'text':
      return textMessage(id, record(message.text), repliedTo, ownNumber, base);
    case 'interactive':
    case 'button':
      return buttonReply(id, message, repliedTo, base);
    case 'reaction':
      return reactionMessage(id, record(message.reaction), base);
    default:
      return { ignored: `message type ${type}` };
  }
}

function textMessage(id: string, body: Fields | undefined, repliedTo: string | undefined, ownNumber: string | undefined, base: Base): Normalized {
  const raw = text(body?.body);
  if (raw === undefined) return { ignored: 'text message without a body' };
  const { text: cleaned, mentioned } = stripOwnMention(raw, ownNumber === undefined ? [] : [ownNumber]);
  // WhatsApp has no threads: an answer quotes the message it answers, or the one the user quoted.
  return { message: { ...base, id, thread: repliedTo ?? id, text: cleaned, kind: mentioned ? 'mention' : 'message' } };
}

/** `interactive` carries a reply-button or list choice; `button` a template's quick-reply button. */
function buttonReply(id: string, message: Fields, repliedTo: string | undefined, base: Base): Normalized {
  let buttonId: string | undefined;
  if (message.type === 'button') {
    buttonId = text(record(message.button)?.payload);
  } else {
    const interactive = record(message.interactive);
    const kind = text(interactive?.type);
    if (kind === 'button_reply' || kind === 'list_reply') buttonId = text(record(interactive?.[kind])?.id);
  }
  if (buttonId === undefined) return { ignored: `${String(message.type)} message without a button id` };
  return { message: { ...base, id, thread: repliedTo ?? id, text: '', kind: 'button', action: buttonAction(buttonId, repliedTo) } };
}

function reactionMessage(id: string, reaction: Fields | undefined, base: Base): Normalized {
  const target = text(reaction?.message_id);
  if (target === undefined) return { ignored: 'reaction without a message id' };
  const emoji = text(reaction?.emoji);
  const removed = emoji === undefined;
  return {
    message: {
      ...base,
      // Meta documents the removal with the reaction's own message id: it must not dedupe as a retry.
      id: removed ? `${id}:removed` : id,
      thread: target,
      text: '',
      kind: 'reaction',
      // Which emoji went is not in a removal; the inbound pipeline fills it in when it saw the reaction.
      reaction: { name: removed ? '' : reactionName(emoji), messageId: target, removed },
    },
  };
}

function contactName(value: Fields, waId: string): string | undefined {
  const contacts = list(value.contacts).map(record);
  const contact = contacts.find((candidate) => text(candidate?.wa_id) === waId) ?? (contacts.length === 1 ? contacts[0] : undefined);
  return text(record(contact?.profile)?.name);
}
