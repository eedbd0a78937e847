import { shownField, type InboundMessage, type MessageKind } from '@aof/api';
import { list, record, teamOf, text, type Fields } from './fields.js';

export const PLATFORM = 'slack';

export interface NormalizeContext {
  /** The bot's own user ids in this team (config, auth.test); authorizations in the payload add to them. */
  botUserIds: ReadonlySet<string>;
  ignoreEdits: boolean;
  receivedAt: number;
}

/** A message for the kernel, or why the event is not one (logged at debug, never submitted). */
export type Normalized = { message: InboundMessage } | { ignored: string };

/**
 * Message subtypes a person produces. Everything else (bot_message, message_replied,
 * message_deleted, channel_join, ...) is Slack telling about something, not someone asking.
 */
const PERSON_SUBTYPES = new Set(['file_share', 'thread_broadcast', 'me_message']);

/** Events API envelope (`type: event_callback`) -> InboundMessage. */
export function normalizeEventEnvelope(envelope: Fields, context: NormalizeContext): Normalized {
  const event = record(envelope.event);
  if (envelope.type !== 'event_callback' || event === undefined) return { ignored: `envelope type ${shownField(envelope.type)}` };
  const botUserIds = new Set(context.botUserIds);
  for (const authorization of list(envelope.authorizations)) {
    // Only a bot authorization names the bot; a user-token install names the installing person.
    const entry = record(authorization);
    const user = text(entry?.user_id);
    if (entry?.is_bot === true && user !== undefined) botUserIds.add(user);
  }
  const scoped = { ...context, botUserIds };
  const type = text(event.type);
  switch (type) {
    case 'app_mention':
      return personMessage(envelope, event, event, 'mention', scoped);
    case 'message':
      return messageEvent(envelope, event, scoped);
    case 'reaction_added':
    case 'reaction_removed':
      return reactionEvent(envelope, event, scoped);
    default:
      return { ignored: `event type ${type ?? '(none)'}` };
  }
}

function messageEvent(envelope: Fields, event: Fields, context: NormalizeContext): Normalized {
  const subtype = text(event.subtype);
  if (subtype === 'message_changed') {
    if (context.ignoreEdits) return { ignored: 'edit (ignore_edits)' };
    const edited = record(event.message);
    // Slack also sends message_changed when it unfurls a link; only a person's edit carries `edited`.
    if (edited?.edited === undefined) return { ignored: 'message update that is not an edit' };
    return personMessage(envelope, event, edited, 'message', context);
  }
  if (subtype !== undefined && !PERSON_SUBTYPES.has(subtype)) return { ignored: `message subtype ${subtype}` };
  if (event.hidden === true) return { ignored: 'hidden message' };
  return personMessage(envelope, event, event, 'message', context);
}

/** `event` carries the channel; `body` the author and text (they differ only for an edit). */
function personMessage(envelope: Fields, event: Fields, body: Fields, kind: MessageKind, context: NormalizeContext): Normalized {
  // A message any bot posted (our replies included) carries bot_id or bot_profile, with or without a subtype.
  if (body.bot_id !== undefined || body.bot_profile !== undefined) return { ignored: 'bot message' };
  const user = text(body.user);
  const channel = text(event.channel);
  const ts = text(body.ts);
  if (user === undefined || channel === undefined || ts === undefined) return { ignored: 'message without user, channel or ts' };
  if (context.botUserIds.has(user)) return { ignored: 'own message' };
  const channelType = channelTypeOf(channel, text(event.channel_type));
  const threadTs = text(body.thread_ts);
  return {
    message: {
      id: text(envelope.event_id) ?? `${channel}:${ts}`,
      platform: PLATFORM,
      ...workspaceOf(envelope),
      channel: { id: channel, type: channelType },
      user: { id: user },
      // In a channel every answer goes in a thread (the message's own when it starts one); a DM answers inline.
      ...threadField(channelType === 'dm' ? threadTs : threadTs ?? ts),
      text: cleanText(text(body.text) ?? '', context.botUserIds, kind === 'mention'),
      kind,
      event: text(event.type) ?? 'message',
      receivedAt: context.receivedAt,
      raw: envelope,
    },
  };
}

function reactionEvent(envelope: Fields, event: Fields, context: NormalizeContext): Normalized {
  const item = record(event.item);
  const user = text(event.user);
  const name = text(event.reaction);
  const channel = text(item?.channel);
  const ts = text(item?.ts);
  if (item?.type !== 'message' || user === undefined || name === undefined || channel === undefined || ts === undefined) {
    return { ignored: 'reaction on something other than a message' };
  }
  // The bot adds the approve and deny reactions to its own approval messages; those are not votes.
  if (context.botUserIds.has(user)) return { ignored: 'own reaction' };
  const type = text(event.type) ?? 'reaction_added';
  const removed = type === 'reaction_removed';
  return {
    message: {
      id: text(envelope.event_id) ?? `${channel}:${ts}:${user}:${name}:${type}:${text(event.event_ts) ?? ''}`,
      platform: PLATFORM,
      ...workspaceOf(envelope),
      channel: { id: channel, type: channelTypeOf(channel, text(item.channel_type)) },
      user: { id: user },
      text: '',
      kind: 'reaction',
      event: type,
      reaction: { name, messageId: ts, removed },
      receivedAt: context.receivedAt,
      raw: envelope,
    },
  };
}

export function workspaceOf(payload: Fields): { workspace?: string } {
  const team = teamOf(payload);
  return team === undefined ? {} : { workspace: team };
}

export function threadField(thread: string | undefined): { thread?: string } {
  return thread === undefined ? {} : { thread };
}

/** Slack's `channel_type` when the event has one, else the id's prefix (D: direct message, G: private group). */
export function channelTypeOf(channelId: string, channelType?: string): 'channel' | 'group' | 'dm' {
  const type = channelType ?? (channelId.startsWith('D') ? 'im' : channelId.startsWith('G') ? 'group' : 'channel');
  if (type === 'im') return 'dm';
  return type === 'group' || type === 'mpim' ? 'group' : 'channel';
}

const LEADING_MENTION = /^\s*<@([A-Z0-9]+)(?:\|[^>]*)?>[\s,:]*/;

/**
 * The text flows match and agents read: the bot's leading mention removed and Slack's three
 * escapes undone. An app_mention is about the bot by definition, so when its id is not known
 * yet its leading mention goes too.
 */
export function cleanText(raw: string, botUserIds: ReadonlySet<string>, isMention: boolean): string {
  const mention = LEADING_MENTION.exec(raw);
  const stripped = mention !== null && (botUserIds.has(mention[1] ?? '') || (isMention && botUserIds.size === 0)) ? raw.slice(mention[0].length) : raw;
  return stripped.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&').trim();
}
