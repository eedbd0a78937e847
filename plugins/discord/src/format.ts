/**
 * Agents answer in Markdown, which Discord mostly renders as it is: bold, italics, strike, code
 * spans, fenced blocks with syntax highlighting, `#`-`###` headings, lists, quotes, masked links.
 * What it does not render is rewritten: deeper headings become bold lines, tables become code
 * blocks (Discord shows pipes as text, so a block at least keeps the columns aligned), images
 * become links. Code passes through untouched. Pings are prevented by `allowed_mentions`, not here.
 */
export function markdownToDiscord(markdown: string): string {
  const out: string[] = [];
  let inFence = false;
  let table: string[] = [];
  const endTable = (): void => {
    if (table.length === 0) return;
    // Only a real table (header, then a |---| separator) is boxed; a lone line with pipes is prose.
    if (table.length >= 2 && isSeparatorRow(table[1] ?? '')) out.push('```', ...table, '```');
    else out.push(...table.map(translateLine));
    table = [];
  };
  for (const line of markdown.replaceAll('\r\n', '\n').split('\n')) {
    if (/^\s*```/.test(line)) {
      endTable();
      inFence = !inFence;
      out.push(line);
      continue;
    }
    if (inFence) {
      out.push(line);
      continue;
    }
    if (/^\s*\|.*\|\s*$/.test(line)) {
      table.push(line.trim());
      continue;
    }
    endTable();
    out.push(translateLine(line));
  }
  endTable();
  return out.join('\n');
}

function isSeparatorRow(row: string): boolean {
  return /^\|(\s*:?-{3,}:?\s*\|)+$/.test(row.replaceAll(' ', ''));
}

function translateLine(line: string): string {
  const deepHeading = /^\s{0,3}#{4,6}\s+(.*?)\s*#*\s*$/.exec(line);
  if (deepHeading !== null) return `**${deepHeading[1] ?? ''}**`;
  // Inline code spans are kept as they are; images in the text between them become links.
  return line.split(/(`[^`]+`)/).map((part, index) => (index % 2 === 1 ? part : part.replace(/!\[([^\]]*)\]\((\S+?)\)/g, (_match, alt: string, url: string) => (alt === '' ? url : `[${alt}](${url})`)))).join('');
}
