/** What a platform plugin hands the kernel for every event it accepts. */
export type MessageKind = 'message' | 'mention' | 'reaction' | 'button' | 'command';

export interface InboundMessage {
  /** Unique per platform event; used for dedupe and request ids. */
  id: string;
  /** Platform short name, lower case: slack, telegram, discord, whatsapp, local. */
  platform: string;
  /** Slack team, Discord guild, WhatsApp business account; absent where the platform has none. */
  workspace?: string;
  /**
   * `name` (and `handle`, a second one where the platform has two) is what flows' `channels`
   * match, so it must identify the channel: set it only from what the workspace's admins control
   * and is unique where the daemon serves (a Slack or Discord channel name, a public Telegram
   * handle, a name the operator configured). `title` is what people see when anyone can set it
   * (a Telegram group title, a WhatsApp group subject): shown, never matched.
   */
  channel: { id: string; name?: string; handle?: string; title?: string; type?: 'channel' | 'group' | 'dm' };
  /**
   * `name`: a username flows' `users` may match (unique on the platform, like a Telegram or Discord
   * username); `displayName`: what the user calls themselves where anyone can pick any (a WhatsApp
   * profile name): shown, never matched.
   */
  user: { id: string; name?: string; displayName?: string };
  /** Thread (Slack thread_ts, Telegram reply root, Discord thread id) the reply belongs in. */
  thread?: string;
  /**
   * Text with the bot's own leading mention removed. For a slash command (`kind: 'command'`) it is
   * the command's argument text only (`/aof kubectl get pods` gives `kubectl get pods`): the name
   * is in `event`.
   */
  text: string;
  kind: MessageKind;
  /**
   * The platform's own event type (app_mention, message, ...), matched by `trigger.config.events`.
   * For a slash command it is the command name with its slash (`/aof`).
   */
  event?: string;
  /** For reactions: which emoji on which message, and whether it was removed. */
  reaction?: { name: string; messageId: string; removed?: boolean };
  /** For buttons: which action on which message. */
  action?: { id: string; value?: string; messageId?: string };
  /**
   * The platform limits routing to these flows (by `metadata.name`): only they can be candidates.
   * Set when the event's authenticity was proven by credentials some flows carry themselves (seed
   * Pattern 5: a flow with its own Slack signing secret receives only what that secret signed,
   * and nothing that secret signed reaches another flow). Absent: every flow may match. The
   * usual rules apply within the list, and when none of them is a candidate the message is
   * unmatched like any other (`routing.default_agent`, or dropped with `strict_mode`).
   */
  flows?: readonly string[];
  /** Epoch milliseconds the kernel or plugin received the event. */
  receivedAt: number;
  /** The platform payload, kept for plugins; never logged. */
  raw?: unknown;
}

/** How a channel is shown to people (logs, approval requests, the agent): its name, else its title, else its id. */
export function shownChannel(channel: InboundMessage['channel']): string {
  return channel.name ?? channel.title ?? channel.id;
}

/** How a user is shown to people: username, else display name, else id. */
export function shownUser(user: InboundMessage['user']): string {
  return user.name ?? user.displayName ?? user.id;
}

/** What the kernel asks a platform plugin to post. */
export interface OutboundReply {
  platform: string;
  workspace?: string;
  channelId: string;
  thread?: string;
  text: string;
  /** Reply to this inbound message id, where the platform threads by message. */
  replyTo?: string;
  /** How the kernel handled the message; platforms that answer synchronously (local) report it. */
  outcome?: ReplyOutcome;
}

export interface ReplyOutcome {
  requestId: string;
  flow: string | null;
  agent: string | null;
  /** ok, error, busy, rate_limited, timeout, awaiting_approval, ... */
  status: string;
  latencyMs: number;
}

export interface SentMessage {
  /** Platform id of the posted message (Slack ts, Telegram message_id, ...). */
  messageId: string;
  channelId: string;
}
