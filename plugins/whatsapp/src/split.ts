/**
 * A WhatsApp text body holds at most 4,096 characters; long answers
 * are posted as several messages of at most this many characters.
 */
export const WHATSAPP_MESSAGE_LIMIT = 4_096;

const FENCE = '```';

/**
 * Splits at line boundaries into chunks of at most `limit` characters. A chunk that ends inside
 * a code block closes it and the next one reopens it, so every message renders on its own.
 * A single line longer than a chunk is cut hard.
 */
export function splitMessage(message: string, limit: number = WHATSAPP_MESSAGE_LIMIT): string[] {
  // Room for a reopening fence line at the start of a chunk and a closing one at its end.
  const reserve = FENCE.length * 2 + 2;
  if (limit <= reserve) throw new RangeError(`message limit ${limit} is too small`);
  const chunks: string[] = [];
  let lines: string[] = [];
  let length = 0;
  let inFence = false;

  const flush = (): void => {
    let next = inFence ? FENCE : undefined;
    const lastLine = lines.at(-1);
    // A block that would open on the chunk's last line opens at the top of the next one instead.
    if (inFence && lines.length > 1 && lastLine !== undefined && countFences(lastLine) % 2 === 1) {
      lines.pop();
      next = lastLine;
    } else if (inFence) {
      lines.push(FENCE);
    }
    pushChunk(chunks, lines);
    lines = next === undefined ? [] : [next];
    length = next?.length ?? 0;
  };

  for (const line of message.split('\n')) {
    for (const piece of cutLine(line, limit - reserve)) {
      const toggles = countFences(piece) % 2 === 1;
      // Inside a block the chunk must keep room for a closing fence, unless this line is that fence.
      const closing = inFence && !toggles ? FENCE.length + 1 : 0;
      const added = (lines.length > 0 ? 1 : 0) + piece.length;
      if (lines.length > 0 && length + added + closing > limit) flush();
      length += (lines.length > 0 ? 1 : 0) + piece.length;
      lines.push(piece);
      if (toggles) inFence = !inFence;
    }
  }
  pushChunk(chunks, lines);
  return chunks;
}

/** A chunk of nothing but fences and blanks would post an empty message or an empty code block. */
function pushChunk(chunks: string[], lines: readonly string[]): void {
  const chunk = lines.join('\n');
  if (chunk.replaceAll(FENCE, '').trim() !== '') chunks.push(chunk);
}

/** Cuts hard, but never between the two halves of an emoji or other astral character. */
function cutLine(line: string, size: number): string[] {
  if (line.length <= size) return [line];
  const pieces: string[] = [];
  for (let start = 0; start < line.length;) {
    let end = Math.min(start + size, line.length);
    if (end < line.length && /[\uD800-\uDBFF]/.test(line.charAt(end - 1))) end -= 1;
    pieces.push(line.slice(start, end));
    start = end;
  }
  return pieces;
}

function countFences(line: string): number {
  return line.split(FENCE).length - 1;
}
