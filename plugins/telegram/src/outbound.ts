import { APPROVAL_ACTION_IDS, wholeApprovalText, type ApprovalRequestMessage, type Logger, type OutboundReply, type SentMessage } from '@aof/api';
import type { InlineKeyboardMarkup, Message } from 'telegraf/types';
import { isTelegramError, type TelegramApi } from './client.js';
import { htmlToPlainText, markdownToTelegramHtml } from './format.js';
import { splitTelegramHtml, TELEGRAM_MESSAGE_LIMIT } from './split.js';
import type { ForumTopics } from './topics.js';

/**
 * Reactions a person may add to an approval message; they count when Telegram delivers them
 * (only to a bot that is an admin). Telegram offers a fixed set of reaction emoji, without ✅ or ❌.
 */
export const APPROVAL_REACTIONS = { approve: ['👍', '👌'], deny: ['👎'] } as const;

/** Telegram's limit on a button's callback_data. */
const CALLBACK_DATA_LIMIT = 64;

interface Target {
  chatId: string;
  /** A reply chain's root message or a forum topic; absent for a message of its own. */
  thread?: number;
  topic: boolean;
}

/** Posts replies and approval requests with sendMessage in HTML parse mode. */
export class TelegramOutbound {
  readonly #api: TelegramApi;
  readonly #topics: ForumTopics;
  readonly #logger: Logger;

  constructor(options: { api: TelegramApi; topics: ForumTopics; logger: Logger }) {
    this.#api = options.api;
    this.#topics = options.topics;
    this.#logger = options.logger;
  }

  /** Long replies go out as several messages, in order, in the same thread; resolves with the first. */
  async send(reply: OutboundReply): Promise<SentMessage> {
    const [head, ...rest] = splitTelegramHtml(markdownToTelegramHtml(reply.text), TELEGRAM_MESSAGE_LIMIT);
    if (head === undefined) throw new Error('refusing to post an empty Telegram message');
    const target = this.#target(reply.channelId, reply.thread);
    const first = await this.#post(target, head);
    for (const chunk of rest) await this.#post(target, chunk);
    return first;
  }

  /**
   * Always two inline buttons, whatever mode was asked for: a bot sees reactions only as a chat
   * admin and may set only one reaction itself, so buttons are the mode that works everywhere.
   */
  async postApprovalRequest(request: ApprovalRequestMessage): Promise<SentMessage> {
    // Raw HTML is a safe bound: Telegram counts the text after parsing its tags and entities.
    const text = wholeApprovalText(markdownToTelegramHtml(request.text), TELEGRAM_MESSAGE_LIMIT, { platform: 'Telegram', mode: 'button' });
    return this.#post(this.#target(request.channelId, request.thread), text, approvalKeyboard(request.approvalId));
  }

  #target(chatId: string, thread: string | undefined): Target {
    if (thread === undefined || !/^\d{1,16}$/.test(thread)) return { chatId, topic: false };
    return { chatId, thread: Number(thread), topic: this.#topics.has(chatId, thread) };
  }

  /**
   * Falls back, each step at most once, when Telegram refuses what it was given: HTML it cannot
   * parse goes as plain text, a topic that is gone gets a reply, and a reply to a message that is
   * gone (inside a topic Telegram ignores allow_sending_without_reply) a message of its own. A lost
   * thread beats a lost answer.
   */
  async #post(target: Target, html: string, keyboard?: InlineKeyboardMarkup): Promise<SentMessage> {
    let current = target;
    let text = html;
    let parseHtml = true;
    for (;;) {
      try {
        return await this.#sendMessage(current, text, parseHtml, keyboard);
      } catch (error) {
        if (parseHtml && isTelegramError(error, 400, /can't parse entities/i)) {
          this.#logger.warn({ platform: 'telegram', error: this.#api.describe(error) }, 'Telegram refused the HTML; posting the reply as plain text');
          text = htmlToPlainText(html);
          parseHtml = false;
        } else if (current.topic && isTelegramError(error, 400, /thread not found/i)) {
          current = { ...current, topic: false };
        } else if (current.thread !== undefined && isTelegramError(error, 400, /replied not found|reply message not found/i)) {
          current = { chatId: current.chatId, topic: false };
        } else {
          throw error;
        }
      }
    }
  }

  async #sendMessage(target: Target, text: string, html: boolean, keyboard: InlineKeyboardMarkup | undefined): Promise<SentMessage> {
    const thread = target.thread;
    const message: Message.TextMessage = await this.#api.deliver('sendMessage', (telegram) => telegram.sendMessage(target.chatId, text, {
      ...(html && { parse_mode: 'HTML' as const }),
      // Agents quote many URLs (dashboards, runbooks); a preview of the first would push the answer aside.
      link_preview_options: { is_disabled: true },
      ...(thread !== undefined && (target.topic
        ? { message_thread_id: thread }
        : { reply_parameters: { message_id: thread, allow_sending_without_reply: true } })),
      ...(keyboard !== undefined && { reply_markup: keyboard }),
    }));
    return { messageId: String(message.message_id), channelId: String(message.chat.id) };
  }
}

/** `aof_approve:<approval id>` / `aof_deny:<approval id>`, read back as action id and value. */
function approvalKeyboard(approvalId: string): InlineKeyboardMarkup {
  const button = (label: string, actionId: string): { text: string; callback_data: string } => {
    const data = `${actionId}:${approvalId}`;
    if (Buffer.byteLength(data) > CALLBACK_DATA_LIMIT) throw new Error(`approval id too long for Telegram callback data (${CALLBACK_DATA_LIMIT} bytes with "${actionId}:")`);
    return { text: label, callback_data: data };
  };
  return { inline_keyboard: [[button('✅ Approve', APPROVAL_ACTION_IDS.approve), button('❌ Deny', APPROVAL_ACTION_IDS.deny)]] };
}
