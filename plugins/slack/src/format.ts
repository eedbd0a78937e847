/**
 * Agents answer in Markdown; Slack renders its own mrkdwn. Code (fenced blocks and inline spans)
 * passes through untouched apart from escaping; everything else is translated line by line.
 */
export function markdownToMrkdwn(markdown: string): string {
  let inFence = false;
  return markdown.replaceAll('\r\n', '\n').split('\n').map((line) => {
    if (/^\s*```/.test(line)) {
      const opening = !inFence;
      inFence = !inFence;
      // Slack has no syntax highlighting and would print the language tag as the first code line.
      return opening ? line.replace(/^(\s*```)[\w+#.-]*\s*$/, '$1') : line;
    }
    return inFence ? escapeMrkdwn(line) : translateLine(line);
  }).join('\n');
}

/**
 * `&`, `<` and `>` are control characters in mrkdwn. Escaping them everywhere also keeps an
 * agent (or a prompt injection) from writing `<!channel>` and paging a whole channel.
 */
export function escapeMrkdwn(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function translateLine(line: string): string {
  const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
  if (heading !== null) return `*${translateInline(heading[1] ?? '')}*`;
  const quote = /^(\s*)>\s?(.*)$/.exec(line);
  if (quote !== null) return `${quote[1] ?? ''}>${translateInline(quote[2] ?? '')}`;
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet !== null && !/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) return `${bullet[1] ?? ''}• ${translateInline(bullet[2] ?? '')}`;
  return translateInline(line);
}

/** Inline code spans are kept as they are; the text between them is translated. */
function translateInline(line: string): string {
  return line.split(/(`[^`]+`)/).map((part, index) => (index % 2 === 1 ? escapeMrkdwn(part) : translateSpan(part))).join('');
}

/**
 * Only web and mail addresses become links: Slack reads `<!channel|x>`, `<!subteam^ID|x>` and
 * `<@U123|x>` as pings, so a reply (or the tool output in it) could page a channel by writing
 * `[x](!channel)`. Anything else is left as written, already escaped.
 */
const LINK_TARGET = /^(?:https?:\/\/|mailto:)[^\s|]+$/i;
/** A label that itself reads as an address: shown beside the real one, so it cannot pose as it. */
const ADDRESS_LABEL = /^(?:(?:https?:\/\/|www\.)\S+|[\w-]+(?:\.[\w-]+)+(?:\/\S*)?)$/i;

/** `[label](url)` as Slack shows it: `<url|label>`, `label (<url>)`, or the text as written. */
function slackLink(match: string, label: string, url: string): string {
  if (!LINK_TARGET.test(url)) return match;
  const shown = label.trim();
  if (ADDRESS_LABEL.test(shown) && shown !== url) return `${label} (<${url}>)`;
  return `<${url}|${label}>`;
}

function translateSpan(span: string): string {
  return escapeMrkdwn(span)
    // Links and images: [text](url) -> <url|text>. The url was escaped with the rest, which Slack expects.
    .replace(/!?\[([^\]]+)\]\((\S+?)\)/g, slackLink)
    // Single-star emphasis first (mrkdwn italics are underscores), then bold, which is a single star in mrkdwn.
    .replace(/(?<![*\w])\*(?![\s*])([^*\n]+?)(?<!\s)\*(?![*\w])/g, '_$1_')
    .replace(/\*\*(?!\s)(.+?)(?<!\s)\*\*/g, '*$1*')
    .replace(/(?<!\w)__(?!\s)(.+?)(?<!\s)__(?!\w)/g, '*$1*')
    .replace(/~~(?!\s)(.+?)(?<!\s)~~/g, '~$1~');
}
