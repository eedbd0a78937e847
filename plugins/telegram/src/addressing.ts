/** How a message's text addresses the bot, and the text flows match once that is taken off. */
export interface Addressing {
  /** The text without a leading `@bot` mention and, for a command, its argument (`staging`). */
  text: string;
  /** The text names the bot: a leading or inline `@bot`, or `/cmd@bot`. */
  mentioned: boolean;
  /** It starts with a bot command (`/deploy staging`): the command, `/deploy`, without `@bot`. */
  command: string | undefined;
  /** A command for another bot in the same group (`/deploy@OtherBot`): not ours to answer. */
  forOtherBot: boolean;
}

/** Telegram's own command syntax: up to 32 letters, digits and underscores, optionally `@botname`. */
const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?=\s|$)/;
const LEADING_MENTION = /^@([A-Za-z0-9_]{1,64})(?:[\s,:]+|$)/;
const USERNAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Reads `raw` against the bot's username (without `@`). Without a known username nothing is
 * stripped: a mention or suffix left in the text is better than stripping another bot's.
 */
export function readAddressing(raw: string, botUsername: string | undefined): Addressing {
  const name = botUsername?.toLowerCase();
  let body = raw.trim();
  let mentioned = false;
  const mention = LEADING_MENTION.exec(body);
  if (mention !== null && name !== undefined && mention[1]?.toLowerCase() === name) {
    body = body.slice(mention[0].length);
    mentioned = true;
  }
  const command = COMMAND.exec(body);
  let forOtherBot = false;
  const target = command?.[2]?.toLowerCase();
  if (command !== null && target !== undefined && name !== undefined) {
    if (target === name) mentioned = true;
    else forOtherBot = true;
  }
  // As a Slack or Discord slash command: the command is the event, its argument the text.
  if (command !== null) body = body.slice(command[0].length);
  if (!mentioned && name !== undefined) mentioned = mentionsAnywhere(body, name);
  return { text: body.trim(), mentioned, command: command === null ? undefined : `/${command[1] ?? ''}`, forOtherBot };
}

/** `@bot` as a whole word anywhere in the text (usernames are case-insensitive). */
function mentionsAnywhere(body: string, name: string): boolean {
  const lower = body.toLowerCase();
  const needle = `@${name}`;
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + 1)) {
    const before = at === 0 ? '' : lower.charAt(at - 1);
    const after = lower.charAt(at + needle.length);
    if (!USERNAME_CHAR.test(before) && !USERNAME_CHAR.test(after)) return true;
  }
  return false;
}
