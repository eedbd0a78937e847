import { shownField } from '@aof/api';
import { channelTypeOf, PLATFORM, threadField, workspaceOf, type Normalized } from './events.js';
import { list, record, text, type Fields } from './fields.js';

/** Interactivity payload (the JSON in the `payload` form field) -> a `button` message. */
export function normalizeInteraction(payload: Fields, receivedAt: number): Normalized {
  if (payload.type !== 'block_actions') return { ignored: `interaction type ${shownField(payload.type)}` };
  const action = record(list(payload.actions)[0]);
  const actionId = text(action?.action_id);
  const user = record(payload.user);
  const userId = text(user?.id);
  const container = record(payload.container);
  const message = record(payload.message);
  const channel = record(payload.channel);
  const channelId = text(channel?.id) ?? text(container?.channel_id);
  if (action === undefined || actionId === undefined || userId === undefined || channelId === undefined) {
    return { ignored: 'block_actions without action, user or channel' };
  }
  const messageId = text(container?.message_ts) ?? text(message?.ts);
  const value = text(action.value);
  const channelName = text(channel?.name);
  const userName = text(user?.username) ?? text(user?.name);
  return {
    message: {
      // trigger_id is unique per click; Slack does not retry interactivity requests, so it is only a fallback guard.
      id: text(payload.trigger_id) ?? `${channelId}:${messageId ?? ''}:${actionId}:${text(action.action_ts) ?? receivedAt}`,
      platform: PLATFORM,
      ...workspaceOf(payload),
      channel: { id: channelId, type: channelTypeOf(channelId), ...(channelName !== undefined && { name: channelName }) },
      user: { id: userId, ...(userName !== undefined && { name: userName }) },
      ...threadField(text(message?.thread_ts) ?? text(container?.thread_ts)),
      text: '',
      kind: 'button',
      event: 'block_actions',
      action: { id: actionId, ...(value !== undefined && { value }), ...(messageId !== undefined && { messageId }) },
      receivedAt,
      raw: payload,
    },
  };
}

/** Placeholder names Slack sends in `channel_name` for conversations that have none. */
const UNNAMED_CHANNELS: Readonly<Record<string, 'dm' | 'group'>> = { directmessage: 'dm', privategroup: 'group' };

/**
 * Slash command form fields -> a `command` message: text is the argument text (what the agent
 * reads: `/aof kubectl get pods` gives `kubectl get pods`), event the command (`/aof`), so flows
 * can take one command with `events: [/aof]`.
 */
export function normalizeSlashCommand(fields: Readonly<Record<string, string>>, receivedAt: number): Normalized {
  const command = text(fields.command);
  const userId = text(fields.user_id);
  const channelId = text(fields.channel_id);
  if (command === undefined || userId === undefined || channelId === undefined) return { ignored: 'slash command without command, user or channel' };
  const channelName = text(fields.channel_name);
  const unnamed = channelName === undefined ? undefined : UNNAMED_CHANNELS[channelName];
  const userName = text(fields.user_name);
  return {
    message: {
      id: text(fields.trigger_id) ?? `${channelId}:${command}:${receivedAt}`,
      platform: PLATFORM,
      ...workspaceOf(fields),
      channel: {
        id: channelId,
        type: unnamed ?? channelTypeOf(channelId),
        ...(channelName !== undefined && unnamed === undefined && { name: channelName }),
      },
      user: { id: userId, ...(userName !== undefined && { name: userName }) },
      text: (fields.text ?? '').trim(),
      kind: 'command',
      event: command,
      receivedAt,
      raw: fields,
    },
  };
}
