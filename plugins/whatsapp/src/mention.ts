/** A WhatsApp mention is written into the text as `@<phone number>` (or `@<lid>` in newer groups). */
const LEADING_MENTION = /^\s*@\+?(\d{5,20})\b[\s,:]*/;

/**
 * The text flows match and agents read: a leading mention of the bot's own number removed.
 * `ownNumbers` are digits only; a mention of anyone else stays in the text.
 */
export function stripOwnMention(body: string, ownNumbers: readonly string[]): { text: string; mentioned: boolean } {
  const mention = LEADING_MENTION.exec(body);
  if (mention === null || !ownNumbers.includes(mention[1] ?? '')) return { text: body.trim(), mentioned: false };
  return { text: body.slice(mention[0].length).trim(), mentioned: true };
}

/** `+1 555-078-3881` -> `15550783881`: display numbers come formatted, mentions and `from` do not. */
export function digitsOf(value: string | undefined): string | undefined {
  const digits = value?.replace(/\D/g, '');
  return digits === undefined || digits === '' ? undefined : digits;
}
