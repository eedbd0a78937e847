/**
 * Normalizes an inclusive Redis-style range (negative indexes count from the end) against a
 * list of `length` items. Returns undefined when the range selects nothing, as LRANGE/LTRIM do.
 */
export function normalizeRange(length: number, start: number, stop: number): { from: number; to: number } | undefined {
  const from = Math.max(start < 0 ? length + start : start, 0);
  const to = Math.min(stop < 0 ? length + stop : stop, length - 1);
  return from > to ? undefined : { from, to };
}
