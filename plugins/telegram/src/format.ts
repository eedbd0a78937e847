/**
 * Agents answer in Markdown; Telegram renders a small HTML subset (parse_mode HTML). Fenced code
 * becomes <pre><code>, inline code <code>, and everything else is escaped, then bold, italics,
 * strikethrough and links are translated line by line. Tags never cross a line except <pre>.
 */
export function markdownToTelegramHtml(markdown: string): string {
  const out: string[] = [];
  let code: { open: string; lines: string[] } | undefined;
  for (const line of markdown.replaceAll('\r\n', '\n').split('\n')) {
    const fence = /^\s*```\s*([\w+#.-]*)\s*$/.exec(line);
    if (code !== undefined) {
      if (fence !== null && fence[1] === '') {
        out.push(`${code.open}${code.lines.join('\n')}</code></pre>`);
        code = undefined;
      } else {
        code.lines.push(escapeHtml(line));
      }
    } else if (fence !== null) {
      const language = fence[1] ?? '';
      code = { open: language === '' ? '<pre><code>' : `<pre><code class="language-${escapeHtml(language)}">`, lines: [] };
    } else {
      out.push(translateLine(line));
    }
  }
  // An answer cut off inside a block still renders as code.
  if (code !== undefined) out.push(`${code.open}${code.lines.join('\n')}</code></pre>`);
  return out.join('\n');
}

/** The three characters Telegram's HTML mode requires escaped outside tags. */
export function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Tags and entities undone, for the plain-text fallback when Telegram refuses the HTML. */
export function htmlToPlainText(html: string): string {
  return html.replace(/<[^>]*>/g, '').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');
}

function translateLine(line: string): string {
  const heading = /^\s{0,3}#{1,6}\s+/.exec(line);
  if (heading !== null) return `<b>${translateInline(withoutClosingHashes(line.slice(heading[0].length)))}</b>`;
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet !== null && !/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) return `${bullet[1] ?? ''}• ${translateInline(bullet[2] ?? '')}`;
  return translateInline(line);
}

/** `## Title ##` -> `Title`, by hand: a regex doing this backtracks quadratically on long runs of blanks. */
function withoutClosingHashes(title: string): string {
  const trimmed = title.trimEnd();
  let end = trimmed.length;
  while (end > 0 && trimmed.charAt(end - 1) === '#') end -= 1;
  return end < trimmed.length && (end === 0 || /\s/.test(trimmed.charAt(end - 1))) ? trimmed.slice(0, end).trimEnd() : trimmed;
}

/** Marks where a link was cut out; private-use characters, removed from the input first. */
const LINK_OPEN = '\uE000';
const LINK_CLOSE = '\uE001';
/**
 * Bounded, so a line of a thousand `[` costs a thousand short scans rather than quadratic time.
 * Web and mail addresses only: `tg://user?id=` is an inline mention that pings, `tg://join` and
 * `tg://login` lead elsewhere in Telegram; such a link stays text.
 */
const LINK = /\[([^\]\n]{1,500})\]\(((?:https?|mailto):[^\s)]{1,2000})\)/gi;
/** A label that itself reads as an address: shown beside the real one, so it cannot pose as it. */
const ADDRESS_LABEL = /^(?:(?:https?:\/\/|www\.)\S+|[\w-]+(?:\.[\w-]+)+(?:\/\S*)?)$/i;
/** `@username` (5 or more characters) at a word start: Telegram would notify that user. */
const MENTION = /(^|[^\w@])@(?=[A-Za-z]\w{4,})/g;

/**
 * Code spans pass through escaped. Links are swapped for markers before emphasis, so a `*` in a
 * URL stays put and `**see [docs](url)**` still nests the link inside the bold.
 */
function translateInline(line: string): string {
  return line.split(/(`[^`]+`)/).map((part, index) => {
    if (index % 2 === 1) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
    const links: string[] = [];
    const marked = part.replaceAll(LINK_OPEN, '').replaceAll(LINK_CLOSE, '').replace(LINK, (_match, label: string, url: string) => {
      const href = `<a href="${escapeHtml(url).replaceAll('"', '&quot;')}">`;
      const shown = label.trim();
      links.push(ADDRESS_LABEL.test(shown) && shown !== url
        ? `${escapeHtml(label)} (${href}${escapeHtml(url)}</a>)`
        : `${href}${emphasis(escapeHtml(label))}</a>`);
      return `${LINK_OPEN}${links.length - 1}${LINK_CLOSE}`;
    }).replace(MENTION, '$1@\u2060');
    return emphasis(escapeHtml(marked)).replace(/\uE000(\d+)\uE001/g, (_match, at: string) => links[Number(at)] ?? '');
  }).join('');
}

/** Emphasised text may not contain `<` or `>`, so a tag can never open in one span and close in another. */
function emphasis(escaped: string): string {
  return escaped
    .replace(/\*\*(?!\s)([^<>*]+?)(?<!\s)\*\*/g, '<b>$1</b>')
    .replace(/(?<![*\w])\*(?![\s*])([^<>*\n]+?)(?<!\s)\*(?![*\w])/g, '<i>$1</i>')
    .replace(/~~(?!\s)([^<>~]+?)(?<!\s)~~/g, '<s>$1</s>');
}
