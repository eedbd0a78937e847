/** Discord refuses message content longer than this. */
export const DISCORD_MESSAGE_LIMIT = 2_000;

const FENCE = '```';
/** The longest fence line reopened as it was (```yaml); a longer language tag is dropped on reopening. */
const MAX_OPENER = 24;

/**
 * Splits at line boundaries into chunks of at most `limit` characters. A chunk that ends inside
 * a code block closes it and the next one reopens it with the same language tag, so every
 * message renders (and highlights) on its own. A single line longer than a chunk is cut hard,
 * never inside a surrogate pair.
 */
export function splitMessage(message: string, limit: number = DISCORD_MESSAGE_LIMIT): string[] {
  // Room for a reopening fence line at the start of a chunk and a closing one at its end.
  const reserve = MAX_OPENER + FENCE.length + 2;
  if (limit <= reserve * 2) throw new RangeError(`message limit ${limit} is too small`);
  const chunks: string[] = [];
  let lines: string[] = [];
  let length = 0;
  /** The fence line that opened the block we are in; undefined outside a block. */
  let opener: string | undefined;

  const flush = (): void => {
    let next = opener;
    const lastLine = lines.at(-1);
    // A block that would open on the chunk's last line opens at the top of the next one instead.
    if (opener !== undefined && lines.length > 1 && lastLine !== undefined && countFences(lastLine) % 2 === 1) {
      lines.pop();
      next = lastLine;
    } else if (opener !== undefined) {
      lines.push(FENCE);
    }
    pushChunk(chunks, lines);
    lines = next === undefined ? [] : [next];
    length = next?.length ?? 0;
  };

  for (const line of message.replaceAll('\r\n', '\n').split('\n')) {
    for (const piece of cutLine(line, limit - reserve)) {
      const toggles = countFences(piece) % 2 === 1;
      // Inside a block the chunk must keep room for a closing fence, unless this line is that fence.
      const closing = opener !== undefined && !toggles ? FENCE.length + 1 : 0;
      const added = (lines.length > 0 ? 1 : 0) + piece.length;
      if (lines.length > 0 && length + added + closing > limit) flush();
      length += (lines.length > 0 ? 1 : 0) + piece.length;
      lines.push(piece);
      if (toggles) opener = opener === undefined ? openerOf(piece) : undefined;
    }
  }
  pushChunk(chunks, lines);
  return chunks;
}

/** `text` cut to one message with `…` at the cut; never through a surrogate pair (half an emoji). */
export function truncateMessage(text: string, limit: number = DISCORD_MESSAGE_LIMIT): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit - 1);
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/** "```yaml" when the line is just a fence with a short tag; a plain fence for anything else. */
function openerOf(line: string): string {
  const fence = /^\s*(```[^\s`]*)\s*$/.exec(line)?.[1];
  return fence !== undefined && fence.length <= MAX_OPENER ? fence : FENCE;
}

/** A chunk of nothing but fences and blanks would post an empty message or an empty code block. */
function pushChunk(chunks: string[], lines: readonly string[]): void {
  const chunk = lines.join('\n');
  if (chunk.replace(/```[^\s`]*/g, '').trim() !== '') chunks.push(chunk);
}

function cutLine(line: string, size: number): string[] {
  if (line.length <= size) return [line];
  const pieces: string[] = [];
  let piece = '';
  for (const char of line) {
    if (piece.length + char.length > size) {
      pieces.push(piece);
      piece = '';
    }
    piece += char;
  }
  pieces.push(piece);
  return pieces;
}

function countFences(line: string): number {
  return line.split(FENCE).length - 1;
}
