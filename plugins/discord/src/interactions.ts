import { shownField } from '@aof/api';
import { ApplicationCommandOptionType, ComponentType, InteractionResponseType, InteractionType, MessageFlags } from 'discord.js';
import type { ChannelInfo } from './directory.js';
import { PLATFORM, type Normalized } from './events.js';
import { list, record, snowflake, text, type Fields } from './fields.js';

/** Discord nests options at most three deep: a subcommand group, a subcommand, its options. */
const MAX_OPTION_DEPTH = 3;

/** The answer to a slash command that cannot become a message: said at once, so nobody waits on "thinking..." for nothing. */
const UNREADABLE_COMMAND = {
  type: InteractionResponseType.ChannelMessageWithSource,
  data: { content: 'I could not read this command (it lacks its user, channel or name). Try it again.', flags: MessageFlags.Ephemeral },
};

/**
 * What an interaction is answered with, within Discord's three seconds and before the agent
 * runs: PING gets PONG, a slash command a deferred answer (Discord shows "thinking..." until the
 * follow-up edits it), or the reason at once when it cannot become a message, a button click a
 * deferred update (the message stays as it is).
 */
export function interactionAck(body: Fields): Record<string, unknown> | undefined {
  switch (body.type) {
    case InteractionType.Ping:
      return { type: InteractionResponseType.Pong };
    case InteractionType.ApplicationCommand:
      return 'ignored' in normalizeInteraction(body, 0) ? UNREADABLE_COMMAND : { type: InteractionResponseType.DeferredChannelMessageWithSource };
    case InteractionType.MessageComponent:
      return { type: InteractionResponseType.DeferredMessageUpdate };
    default:
      return undefined;
  }
}

/**
 * The answer for an interaction from a guild this daemon does not serve: a command is told so
 * (only its author sees it), a click is acknowledged and dropped, so nothing hangs on "thinking...".
 */
export function notServedResponse(body: Fields): Record<string, unknown> | undefined {
  if (body.type === InteractionType.ApplicationCommand) {
    return { type: InteractionResponseType.ChannelMessageWithSource, data: { content: 'This bot does not serve this server.', flags: MessageFlags.Ephemeral } };
  }
  return interactionAck(body);
}

/** Interaction object (HTTP body or INTERACTION_CREATE data) -> a `command` or `button` message. */
export function normalizeInteraction(body: Fields, receivedAt: number): Normalized {
  const id = snowflake(body.id);
  const data = record(body.data);
  // In a guild the user is inside `member`; in a DM it is `user`.
  const user = record(record(body.member)?.user) ?? record(body.user);
  const userId = snowflake(user?.id);
  const hint = channelHint(record(body.channel));
  const channelId = snowflake(body.channel_id) ?? hint?.id;
  if (id === undefined || data === undefined || userId === undefined || channelId === undefined) {
    return { ignored: 'interaction without id, data, user or channel' };
  }
  const guild = snowflake(body.guild_id);
  const userName = text(user?.username);
  const base = {
    id,
    platform: PLATFORM,
    ...(guild !== undefined && { workspace: guild }),
    channel: { id: channelId, type: guild === undefined ? 'dm' as const : 'channel' as const },
    user: { id: userId, ...(userName !== undefined && { name: userName }) },
    receivedAt,
    raw: body,
  };
  const withHint = (normalized: Normalized): Normalized => ('message' in normalized && hint !== undefined ? { ...normalized, channelHint: hint } : normalized);
  if (body.type === InteractionType.ApplicationCommand) {
    const name = text(data.name);
    if (name === undefined) return { ignored: 'application command without a name' };
    // The command is the event (`/deploy`, as on Slack); the text is its arguments, which is what the agent reads.
    return withHint({ message: { ...base, text: commandText(data.options), kind: 'command', event: `/${name}` } });
  }
  if (body.type === InteractionType.MessageComponent) {
    const customId = text(data.custom_id);
    if (data.component_type !== ComponentType.Button || customId === undefined) return { ignored: 'component that is not a button' };
    const messageId = snowflake(record(body.message)?.id);
    // Buttons AOF posts say `aof_approve:<approval id>`; Discord has no separate value field.
    const separator = customId.indexOf(':');
    const actionId = separator === -1 ? customId : customId.slice(0, separator);
    const value = separator === -1 ? undefined : customId.slice(separator + 1);
    return withHint({
      message: {
        ...base,
        text: '',
        kind: 'button',
        event: 'MESSAGE_COMPONENT',
        action: { id: actionId, ...(value !== undefined && value !== '' && { value }), ...(messageId !== undefined && { messageId }) },
      },
    });
  }
  return { ignored: `interaction type ${shownField(body.type)}` };
}

/**
 * Subcommand names and option values, in order (`/deploy` with `env: staging, app: web` gives
 * `staging web`). Values only, like a Slack slash command's text, so flow patterns read the same on both.
 */
function commandText(options: unknown): string {
  const parts: string[] = [];
  const walk = (entries: unknown, depth: number): void => {
    if (depth > MAX_OPTION_DEPTH) return;
    for (const entry of list(entries)) {
      const option = record(entry);
      if (option === undefined) continue;
      if (option.type === ApplicationCommandOptionType.Subcommand || option.type === ApplicationCommandOptionType.SubcommandGroup) {
        parts.push(text(option.name) ?? '');
        walk(option.options, depth + 1);
      } else if (typeof option.value === 'string' || typeof option.value === 'number' || typeof option.value === 'boolean') {
        parts.push(String(option.value));
      }
    }
  };
  walk(options, 1);
  return parts.filter((part) => part !== '').join(' ');
}

/** Interactions carry a partial channel (type, name, parent) that spares a lookup. */
function channelHint(channel: Fields | undefined): ChannelInfo | undefined {
  const id = snowflake(channel?.id);
  if (id === undefined || typeof channel?.type !== 'number') return undefined;
  const name = text(channel.name);
  const parentId = snowflake(channel.parent_id);
  return { id, type: channel.type, ...(name !== undefined && { name }), ...(parentId !== undefined && { parentId }) };
}
