/** Plain column-aligned text, like kubectl's tables: a header row, then one row per item. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('   ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
