/**
 * Slack `<@U123>` / `<@U123|name>` and Discord `<@123>` / `<@!123>`, then any whitespace.
 * Anchored with no nested quantifier, so it runs in linear time on hostile input.
 */
const LEADING_MENTION = /^\s*<@!?[A-Za-z0-9_]+(?:\|[^>]*)?>\s*/;

const LESS_THAN = 0x3c;

/**
 * Platforms already strip their bot's own mention, but a message can still start with one
 * (an edited message, a second bot); patterns such as `^kubectl` must see the command itself.
 */
export function stripLeadingMention(text: string): string {
  const first = text.charCodeAt(0);
  // Most messages start with a word: skip the regex entirely.
  if (first !== LESS_THAN && !isSpace(first)) return text;
  const match = LEADING_MENTION.exec(text);
  return match === null ? text : text.slice(match[0].length);
}

function isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0xfeff || code === 0x2028 || code === 0x2029 ||
    code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x202f || code === 0x205f || code === 0x3000;
}
