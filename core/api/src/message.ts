/** What a platform plugin hands the kernel for every event it accepts. */
export type MessageKind = 'message' | 'mention' | 'reaction' | 'button' | 'command';

export interface InboundMessage {
  /** Unique per platform event; used for dedupe and request ids. */
  id: string;
  /** Platform short name, lower case: slack, telegram, discord, whatsapp, local. */
  platform: string;
  /** Slack team, Discord guild, WhatsApp business account; absent where the platform has none. */
  workspace?: string;
  channel: { id: string; name?: string; type?: 'channel' | 'group' | 'dm' };
  user: { id: string; name?: string };
  /** Thread (Slack thread_ts, Telegram reply root, Discord thread id) the reply belongs in. */
  thread?: string;
  /** Text with the bot's own leading mention removed. */
  text: string;
  kind: MessageKind;
  /** The platform's own event type (app_mention, message, ...), matched by `trigger.config.events`. */
  event?: string;
  /** For reactions: which emoji on which message, and whether it was removed. */
  reaction?: { name: string; messageId: string; removed?: boolean };
  /** For buttons: which action on which message. */
  action?: { id: string; value?: string; messageId?: string };
  /** Epoch milliseconds the kernel or plugin received the event. */
  receivedAt: number;
  /** The platform payload, kept for plugins; never logged. */
  raw?: unknown;
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
