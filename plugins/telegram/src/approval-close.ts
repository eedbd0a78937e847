import { closedApprovalText, type ApprovalCloseMessage, type Logger } from '@aof/api';
import { isTelegramError, type TelegramApi } from './client.js';
import { htmlToPlainText, markdownToTelegramHtml } from './format.js';
import { TELEGRAM_MESSAGE_LIMIT, truncateTelegramHtml } from './split.js';

/**
 * Closes a decided approval request: editMessageText replaces its text with the decision, and
 * since the edit carries no reply_markup Telegram drops the inline keyboard with it, so nobody
 * clicks a closed request. Formatted as replies are (HTML, one message: the summary when the
 * whole text does not fit; plain text when Telegram cannot parse the HTML); `deliver` retries
 * 429s and 5xx as it does for replies.
 */
export async function closeApprovalMessage(api: TelegramApi, logger: Logger, request: ApprovalCloseMessage): Promise<void> {
  if (!/^\d{1,16}$/.test(request.messageId)) throw new Error(`not a Telegram message id: "${request.messageId}"`);
  const messageId = Number(request.messageId);
  const html = closedApprovalText(request, markdownToTelegramHtml, TELEGRAM_MESSAGE_LIMIT, (text, limit) => truncateTelegramHtml(text, limit) ?? 'Approval closed');
  let text = html;
  let parseHtml = true;
  for (;;) {
    try {
      await api.deliver('editMessageText', (telegram) => telegram.editMessageText(request.channelId, messageId, undefined, text, {
        ...(parseHtml && { parse_mode: 'HTML' as const }),
        link_preview_options: { is_disabled: true },
      }));
      return;
    } catch (error) {
      // Telegram refuses an edit that changes nothing: the message already says this and has no
      // buttons (a close repeated after a retry, or by another node), which is the goal reached.
      if (isTelegramError(error, 400, /message is not modified/i)) return;
      if (!parseHtml || !isTelegramError(error, 400, /can't parse entities/i)) throw error;
      logger.warn({ platform: 'telegram', error: api.describe(error) }, 'Telegram refused the HTML; closing the approval request with plain text');
      text = htmlToPlainText(html);
      parseHtml = false;
    }
  }
}
