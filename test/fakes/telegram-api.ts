/**
 * A fake Telegram Bot API over real HTTP at `<url>/bot<token>/<method>`: sendMessage,
 * editMessageText, answerCallbackQuery, getMe, getChat, setMessageReaction, editMessageReplyMarkup,
 * setWebhook, deleteWebhook and getUpdates (long polling, fed with `queueUpdate`). Records every
 * call; can answer the next sendMessage or editMessageText with Telegram's 429
 * (`parameters.retry_after`) or any method with an error. sendMessage and editMessageText refuse
 * what Telegram refuses: unbalanced HTML, text over 4096 characters; an edit also a message it
 * never sent and an edit that changes nothing. An edit is applied to the message's record in
 * `sentMessages()`: the new text, and the keyboard the edit carries (none when it carries none).
 *
 *   const telegram = await startFakeTelegramApi({ token, bot: { id: 2222222, username: 'TestChatOpsBot' } });
 *   // plugin config: { api_root: telegram.url, bot_token: token, ... }; later: telegram.sentMessages()
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakePlatformApi, SentRecord } from '@aof/testkit';

export interface FakeTelegramOptions {
  /** The only token accepted; calls with another answer 401 Unauthorized. */
  token: string;
  bot: { id: number; username: string };
  /** Chat id -> the Chat object getChat answers; other ids answer "chat not found". */
  chats?: Record<string, Record<string, unknown>>;
}

export interface FakeTelegramCall {
  method: string;
  params: Record<string, unknown>;
}

export interface TelegramErrorAnswer {
  error_code: number;
  description: string;
}

export interface FakeTelegramApi extends FakePlatformApi {
  /** The Bot API root to configure as `api_root`. */
  url: string;
  calls: FakeTelegramCall[];
  callsTo(method: string): FakeTelegramCall[];
  /** The next call of `method` answers this error. */
  failNext(method: string, error: TelegramErrorAnswer): void;
  /** An update for the next getUpdates call (long polling). */
  queueUpdate(update: Record<string, unknown>): void;
  /** The highest offset a getUpdates call confirmed. */
  confirmedOffset(): number;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const MESSAGE_LIMIT = 4096;
/** Calls `failNextWith429` applies to: those that post or rewrite a message. */
const POSTING = new Set(['sendMessage', 'editMessageText']);
/** How long an empty getUpdates is held open (Telegram holds it `timeout` seconds; tests need no more). */
const HOLD_MS = 200;

export async function startFakeTelegramApi(options: FakeTelegramOptions): Promise<FakeTelegramApi> {
  const calls: FakeTelegramCall[] = [];
  const sent: SentRecord[] = [];
  const reactions = new Map<string, string[]>();
  const failures = new Map<string, TelegramErrorAnswer>();
  let queue: Array<Record<string, unknown>> = [];
  const waiting = new Set<() => void>();
  /** Seconds of the 429 the next posting call (sendMessage or editMessageText) answers. */
  let retryAfterNextPost: number | undefined;
  let rateLimited = 0;
  let nextMessageId = 5000;
  let confirmed = 0;
  const me = { id: options.bot.id, is_bot: true, first_name: 'Test ChatOps Bot', username: options.bot.username, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };

  const handle = async (method: string, params: Record<string, unknown>, closed: () => boolean): Promise<Answer> => {
    calls.push({ method, params });
    if (POSTING.has(method) && retryAfterNextPost !== undefined) {
      const seconds = retryAfterNextPost;
      retryAfterNextPost = undefined;
      rateLimited += 1;
      return { status: 429, body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${seconds}`, parameters: { retry_after: seconds } } };
    }
    const failure = failures.get(method);
    if (failure !== undefined) {
      failures.delete(method);
      return { status: failure.error_code, body: { ok: false, ...failure } };
    }
    switch (method) {
      case 'getMe':
        return ok(me);
      case 'sendMessage':
        return sendMessage(params);
      case 'editMessageText':
        return editMessageText(params);
      case 'getChat': {
        const chat = options.chats?.[String(params.chat_id)];
        return chat === undefined ? error(400, 'Bad Request: chat not found') : ok(chat);
      }
      case 'setMessageReaction': {
        const emoji = Array.isArray(params.reaction) ? params.reaction.map((entry: { emoji?: string }) => String(entry.emoji)) : [];
        // Telegram replaces the bot's reactions with the new list rather than adding to them.
        reactions.set(String(params.message_id), emoji);
        return ok(true);
      }
      case 'answerCallbackQuery':
      case 'editMessageReplyMarkup':
      case 'setWebhook':
      case 'deleteWebhook':
        return ok(true);
      case 'getUpdates':
        return ok(await getUpdates(params, closed));
      default:
        return error(404, 'Not Found');
    }
  };

  const sendMessage = (params: Record<string, unknown>): Answer => {
    const text = typeof params.text === 'string' ? params.text : '';
    const refused = textProblem(text, params.parse_mode);
    if (refused !== undefined) return refused;
    nextMessageId += 1;
    const replyTo = (params.reply_parameters as { message_id?: number } | undefined)?.message_id ?? params.reply_to_message_id;
    const thread = params.message_thread_id ?? replyTo;
    const chatId = Number(params.chat_id);
    sent.push({ messageId: String(nextMessageId), channelId: String(params.chat_id), ...(thread !== undefined && { thread: String(thread) }), text, buttons: buttonsOf(params.reply_markup) });
    return ok({ message_id: nextMessageId, from: me, chat: { id: chatId, type: chatId < 0 ? 'supergroup' : 'private' }, date: Math.floor(Date.now() / 1000), text, ...(params.reply_markup !== undefined && { reply_markup: params.reply_markup }) });
  };

  /** As Telegram does: the message keeps its id; its text is replaced, and its keyboard by the one the edit carries, if any. */
  const editMessageText = (params: Record<string, unknown>): Answer => {
    const text = typeof params.text === 'string' ? params.text : '';
    const refused = textProblem(text, params.parse_mode);
    if (refused !== undefined) return refused;
    const record = sent.find((candidate) => candidate.messageId === String(params.message_id) && Number(candidate.channelId) === Number(params.chat_id));
    if (record === undefined) return error(400, 'Bad Request: message to edit not found');
    const buttons = buttonsOf(params.reply_markup);
    if (record.text === text && JSON.stringify(record.buttons) === JSON.stringify(buttons)) {
      return error(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    }
    record.text = text;
    record.buttons = buttons;
    const chatId = Number(params.chat_id);
    return ok({ message_id: Number(record.messageId), from: me, chat: { id: chatId, type: chatId < 0 ? 'supergroup' : 'private' }, date: Math.floor(Date.now() / 1000), edit_date: Math.floor(Date.now() / 1000), text, ...(params.reply_markup !== undefined && { reply_markup: params.reply_markup }) });
  };

  const getUpdates = async (params: Record<string, unknown>, closed: () => boolean): Promise<unknown[]> => {
    const offset = typeof params.offset === 'number' ? params.offset : 0;
    // As Telegram does, an offset confirms (and forgets) every update before it.
    confirmed = Math.max(confirmed, offset);
    queue = queue.filter((update) => Number(update.update_id) >= offset);
    if (queue.length === 0 && Number(params.timeout ?? 0) > 0 && !closed()) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve();
        };
        const timer = setTimeout(done, HOLD_MS);
        waiting.add(done);
      });
    }
    return queue.slice(0, typeof params.limit === 'number' ? params.limit : 100);
  };

  // Each waiter deletes itself; deleting the current entry is safe while iterating a Set.
  const wakeAll = (): void => {
    for (const wake of waiting) wake();
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    let gone = false;
    response.on('close', () => {
      gone = true;
    });
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const match = /\/bot([^/]+)\/([A-Za-z]+)$/.exec((request.url ?? '').split('?')[0] ?? '');
      const params = parseParams(request.headers['content-type'], Buffer.concat(chunks).toString('utf8'));
      const answer = match === null || params === undefined ? Promise.resolve(error(404, 'Not Found'))
        : match[1] !== options.token ? Promise.resolve(error(401, 'Unauthorized'))
        : handle(match[2] ?? '', params, () => gone);
      void answer.then((result) => {
        if (gone) return;
        response.writeHead(result.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(result.body));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    callsTo: (method) => calls.filter((call) => call.method === method),
    failNext: (method, answer) => failures.set(method, answer),
    queueUpdate: (update) => {
      queue.push(update);
      wakeAll();
    },
    confirmedOffset: () => confirmed,
    sentMessages: () => sent,
    reactionsOn: (messageId) => reactions.get(messageId) ?? [],
    failNextWith429: (seconds) => {
      retryAfterNextPost = seconds;
    },
    rateLimitedCount: () => rateLimited,
    close: () => new Promise((resolve, reject) => {
      wakeAll();
      server.closeAllConnections();
      server.close((closeError) => (closeError ? reject(closeError) : resolve()));
    }),
  };
}

/** What Telegram refuses in a message's text, whether sent or edited: bad HTML, no text, too much. */
function textProblem(text: string, parseMode: unknown): Answer | undefined {
  const problem = parseMode === 'HTML' ? htmlProblem(text) : undefined;
  if (problem !== undefined) return error(400, `Bad Request: can't parse entities: ${problem}`);
  const visible = parseMode === 'HTML' ? visibleText(text) : text;
  if (visible.trim() === '') return error(400, 'Bad Request: message text is empty');
  if (visible.length > MESSAGE_LIMIT) return error(400, 'Bad Request: message is too long');
  return undefined;
}

function ok(result: unknown): Answer {
  return { status: 200, body: { ok: true, result } };
}

function error(code: number, description: string): Answer {
  return { status: code, body: { ok: false, error_code: code, description } };
}

/** telegraf posts JSON; curl-style clients post forms or query strings. */
function parseParams(contentType: string | undefined, body: string): Record<string, unknown> | undefined {
  try {
    if ((contentType ?? '').startsWith('application/json')) return JSON.parse(body === '' ? '{}' : body) as Record<string, unknown>;
    return Object.fromEntries(new URLSearchParams(body));
  } catch {
    return undefined;
  }
}

function buttonsOf(markup: unknown): SentRecord['buttons'] {
  const rows = (markup as { inline_keyboard?: Array<Array<{ callback_data?: string }>> } | undefined)?.inline_keyboard ?? [];
  return rows.flat().flatMap((button) => {
    const data = button.callback_data;
    if (data === undefined) return [];
    const at = data.indexOf(':');
    return [at === -1 ? { id: data } : { id: data.slice(0, at), value: data.slice(at + 1) }];
  });
}

const TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'code', 'pre', 'blockquote', 'tg-emoji']);

/** What Telegram's HTML parser would refuse: an unknown or unbalanced tag, a bare `<` or `&`. */
function htmlProblem(html: string): string | undefined {
  const open: string[] = [];
  for (const token of html.match(/<[^>]*>?|&[^;\s]*;?/g) ?? []) {
    if (token.startsWith('&')) {
      if (!/^&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);$/i.test(token)) return `bare & in "${token}"`;
      continue;
    }
    const tag = /^<(\/?)([a-z-]+)(?:\s[^>]*)?>$/i.exec(token);
    const name = tag?.[2]?.toLowerCase();
    if (tag === null || name === undefined || !TAGS.has(name)) return `unsupported start tag "${token}"`;
    if (tag[1] === '') open.push(name);
    else if (open.pop() !== name) return `can't find end tag corresponding to start tag "${name}"`;
  }
  return open.length === 0 ? undefined : `unclosed tag "${open.at(-1) ?? ''}"`;
}

function visibleText(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/gi, 'x');
}
