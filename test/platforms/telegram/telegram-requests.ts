import type { WebhookRequest } from '@aof/testkit';

export const WEBHOOK_PATH = '/webhooks/telegram';
export const WEBHOOK_SECRET = 'test-webhook-secret_0123456789';
/** The bot of the official fixtures (`/deploy@TestChatOpsBot`, the author of the approval message). */
export const BOT_ID = 2222222;
export const BOT_USERNAME = 'TestChatOpsBot';
export const BOT_TOKEN = `${BOT_ID}:AAH-test-token-for-the-fake-api_0123`;
export const BOT_USER = { id: BOT_ID, is_bot: true, first_name: 'Test ChatOps Bot', username: BOT_USERNAME };

let sequence = 0;

/** A fresh update_id (and message ids), unique within the process. */
export function nextId(): number {
  sequence += 1;
  return 700_000 + sequence;
}

/** A webhook call as Telegram makes it; `secret: null` leaves the secret header out. */
export function webhookRequest(update: Record<string, unknown> | string, options: { secret?: string | null } = {}): WebhookRequest {
  const secret = options.secret === undefined ? WEBHOOK_SECRET : options.secret;
  return {
    path: WEBHOOK_PATH,
    headers: { 'content-type': 'application/json', ...(secret !== null && { 'x-telegram-bot-api-secret-token': secret }) },
    body: typeof update === 'string' ? update : JSON.stringify(update),
  };
}

/** A supergroup; with `username` a public one, which flows can name by its @username. */
export function supergroup(chatId: string, title = 'production', username?: string): Record<string, unknown> {
  return { id: Number(chatId), title, type: 'supergroup', ...(username !== undefined && { username }) };
}

export function person(userId: string, username = 'alice'): Record<string, unknown> {
  return { id: Number(userId), is_bot: false, first_name: 'Alice', username };
}

export interface MessageFields {
  chatId: string;
  userId: string;
  text: string;
  /** Starts the text with `@TestChatOpsBot` and its mention entity. */
  mention?: boolean;
  /** The message replied to (a thread root in a group without topics). */
  thread?: string;
  from?: Record<string, unknown>;
  chat?: Record<string, unknown>;
  /** Merged into the message. */
  extra?: Record<string, unknown>;
  field?: 'message' | 'edited_message' | 'channel_post';
}

/** An `Update` with a group message, as Telegram posts it. */
export function messageUpdate(fields: MessageFields): Record<string, unknown> {
  const chat = fields.chat ?? supergroup(fields.chatId);
  const text = fields.mention === true ? `@${BOT_USERNAME} ${fields.text}` : fields.text;
  const id = nextId();
  return {
    update_id: id,
    [fields.field ?? 'message']: {
      message_id: id,
      from: fields.from ?? person(fields.userId),
      chat,
      date: Math.floor(Date.now() / 1000),
      text,
      ...(fields.mention === true && { entities: [{ type: 'mention', offset: 0, length: BOT_USERNAME.length + 1 }] }),
      ...(fields.thread !== undefined && {
        reply_to_message: { message_id: Number(fields.thread), from: person('3333333', 'bob'), chat, date: Math.floor(Date.now() / 1000) - 60, text: 'earlier' },
      }),
      ...fields.extra,
    },
  };
}

/** `message_reaction`: `userId` changes their reactions on `messageId` from `old` to `emoji`. */
export function reactionUpdate(fields: { chatId: string; userId: string; messageId: string; emoji: string[]; old?: string[] }): Record<string, unknown> {
  const list = (emoji: string[]): Array<Record<string, string>> => emoji.map((entry) => ({ type: 'emoji', emoji: entry }));
  return {
    update_id: nextId(),
    message_reaction: {
      chat: supergroup(fields.chatId),
      message_id: Number(fields.messageId),
      user: person(fields.userId),
      date: Math.floor(Date.now() / 1000),
      old_reaction: list(fields.old ?? []),
      new_reaction: list(fields.emoji),
    },
  };
}

/** A click on an inline-keyboard button of the bot's message `messageId`. */
export function callbackUpdate(fields: { chatId: string; userId: string; messageId: string; data: string; thread?: string }): Record<string, unknown> {
  const id = nextId();
  const chat = supergroup(fields.chatId);
  return {
    update_id: id,
    callback_query: {
      id: `cbq-${id}`,
      from: person(fields.userId),
      message: {
        message_id: Number(fields.messageId),
        from: BOT_USER,
        chat,
        date: Math.floor(Date.now() / 1000),
        text: 'Approve?',
        ...(fields.thread !== undefined && { reply_to_message: { message_id: Number(fields.thread), chat, date: 0, text: 'earlier' } }),
      },
      chat_instance: '-5834719274650193827',
      data: fields.data,
    },
  };
}
