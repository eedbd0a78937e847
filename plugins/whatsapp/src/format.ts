/**
 * Agents answer in Markdown; WhatsApp renders its own marks: *bold*, _italic_, ~strike~,
 * ```monospace``` blocks, `inline code`, `- ` lists and `> ` quotes. Code passes through
 * untouched; everything else is translated line by line.
 */
export function markdownToWhatsApp(markdown: string): string {
  let inFence = false;
  return markdown.replaceAll('\r\n', '\n').split('\n').map((line) => {
    if (/^\s*```/.test(line)) {
      const opening = !inFence;
      inFence = !inFence;
      // WhatsApp has no syntax highlighting and would print the language tag as the first code line.
      return opening ? line.replace(/^(\s*```)[\w+#.-]*\s*$/, '$1') : line;
    }
    return inFence ? line : translateLine(line);
  }).join('\n');
}

function translateLine(line: string): string {
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) return line;
  const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
  if (heading !== null) return `*${translateInline(heading[1] ?? '')}*`;
  // `* item` would read as the start of bold; WhatsApp renders `- item` as a list.
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet !== null) return `${bullet[1] ?? ''}- ${translateInline(bullet[2] ?? '')}`;
  return translateInline(line);
}

/** Inline code spans are kept as they are; the text between them is translated. */
function translateInline(line: string): string {
  return line.split(/(`[^`]+`)/).map((part, index) => (index % 2 === 1 ? part : translateSpan(part))).join('');
}

function translateSpan(span: string): string {
  return span
    // WhatsApp shows no link labels: [text](url) -> text (url), or the url alone when they are the same.
    .replace(/!?\[([^\]]+)\]\((\S+?)\)/g, (_match, label: string, url: string) => (label === url ? url : `${label} (${url})`))
    // Single-star emphasis first (WhatsApp italics are underscores), then bold, which is a single star.
    .replace(/(?<![*\w])\*(?![\s*])([^*\n]+?)(?<!\s)\*(?![*\w])/g, '_$1_')
    .replace(/\*\*(?!\s)(.+?)(?<!\s)\*\*/g, '*$1*')
    .replace(/(?<!\w)__(?!\s)(.+?)(?<!\s)__(?!\w)/g, '*$1*')
    .replace(/~~(?!\s)(.+?)(?<!\s)~~/g, '~$1~');
}
