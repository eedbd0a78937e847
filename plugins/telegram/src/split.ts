/** Telegram refuses a message longer than this (counted after entity parsing, so raw HTML is a safe bound). */
export const TELEGRAM_MESSAGE_LIMIT = 4096;

/** Tags, entities, newlines, runs of blanks, words (long ones in pieces), any other character. */
const TOKEN = /<\/?[A-Za-z][^<>]*>|&#?[A-Za-z0-9]+;|\n|[^\S\n]{1,64}|[^\s<&]{1,64}|[\s\S]/gu;
const OPEN_TAG = /^<([A-Za-z]+)[\s>]/;
const CLOSE_TAG = /^<\/([A-Za-z]+)>$/;

interface Open {
  name: string;
  tag: string;
}

/**
 * Splits Telegram HTML into messages of at most `limit` characters, preferably at line breaks,
 * else between words. Tags open at a cut are closed at the end of one message and reopened at
 * the start of the next, so every message is valid HTML on its own and code stays code.
 */
export function splitTelegramHtml(html: string, limit: number = TELEGRAM_MESSAGE_LIMIT): string[] {
  const tokens = html.match(TOKEN) ?? [];
  const chunks: string[] = [];
  let start = 0;
  let startStack: Open[] = [];
  while (start < tokens.length) {
    let stack = startStack;
    let length = opening(stack).length;
    let end = start;
    let lineBreak: { end: number; stack: Open[] } | undefined;
    for (; end < tokens.length; end += 1) {
      const token = tokens[end] ?? '';
      const next = nextStack(stack, token);
      if (length + token.length + closing(next).length > limit) break;
      length += token.length;
      stack = next;
      if (token === '\n') lineBreak = { end: end + 1, stack };
    }
    if (end === start) throw new RangeError(`message limit ${limit} is too small for the tags open at this point`);
    const cut = end < tokens.length && lineBreak !== undefined ? lineBreak : { end, stack };
    const body = tokens.slice(start, cut.end).join('').replace(/\n$/, '');
    const chunk = `${opening(startStack)}${body}${closing(cut.stack)}`;
    // A cut right after an opening tag leaves a message of tags alone; Telegram refuses empty text.
    if (htmlVisibleText(chunk).trim() !== '') chunks.push(chunk);
    start = cut.end;
    startStack = cut.stack;
  }
  return chunks;
}

/**
 * What fits in one message: the first part of `html` as `splitTelegramHtml` cuts it, with a line
 * `…` saying there was more. For messages that must stay one message (approval requests, and the
 * edits that close them); undefined when there is no text at all.
 */
export function truncateTelegramHtml(html: string, limit: number = TELEGRAM_MESSAGE_LIMIT): string | undefined {
  const [head, ...rest] = splitTelegramHtml(html, limit - 2);
  if (head === undefined) return undefined;
  return rest.length > 0 ? `${head}\n…` : head;
}

function nextStack(stack: Open[], token: string): Open[] {
  const open = OPEN_TAG.exec(token);
  if (open !== null) return [...stack, { name: (open[1] ?? '').toLowerCase(), tag: token }];
  const close = CLOSE_TAG.exec(token);
  if (close === null) return stack;
  const name = (close[1] ?? '').toLowerCase();
  const at = stack.map((entry) => entry.name).lastIndexOf(name);
  return at === -1 ? stack : stack.slice(0, at);
}

function opening(stack: readonly Open[]): string {
  return stack.map((entry) => entry.tag).join('');
}

function closing(stack: readonly Open[]): string {
  return stack.toReversed().map((entry) => `</${entry.name}>`).join('');
}

function htmlVisibleText(html: string): string {
  return html.replace(/<[^>]*>/g, '');
}
