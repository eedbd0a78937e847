/**
 * Splits a chat message into argv the way a POSIX shell splits words, without running
 * anything: whitespace separates, '…' is literal, "…" allows \" and \\, a backslash
 * outside quotes escapes the next character. Chat clients' curly double quotes count as ".
 */
export function splitCommandLine(line: string): string[] {
  const text = line.replace(/[“”]/g, '"');
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    const next = text[i + 1];
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else if (quote === '"' && ch === '\\' && (next === '"' || next === '\\')) word += text[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && next !== undefined) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new Error(`unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}
