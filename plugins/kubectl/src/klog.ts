/**
 * kubectl logs through klog and retries API discovery, so one unreachable or wrong API server
 * prints the same error five times, each line with its own timestamp: in a chat reply, a wall
 * of repeats before the one line that matters. Consecutive klog lines with the same message
 * collapse into the first, followed by a count; everything else is kept as it was.
 */

/** `E1202 10:01:31.597805   16790 memcache.go:265] ` (severity, date, time, thread id, file:line). */
const KLOG_HEADER = /^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [^\s\]]+\] /;

export function collapseKlogRepeats(stderr: string): string {
  const lines: string[] = [];
  let previous: string | undefined;
  let repeats = 0;
  const flush = (): void => {
    if (repeats > 0) lines.push(`(the line above repeated ${repeats} more ${repeats === 1 ? 'time' : 'times'})`);
    repeats = 0;
  };
  for (const line of stderr.split('\n')) {
    const header = KLOG_HEADER.exec(line);
    const message = header === null ? undefined : line.slice(header[0].length);
    if (message !== undefined && message === previous) {
      repeats++;
      continue;
    }
    flush();
    lines.push(line);
    previous = message;
  }
  flush();
  return lines.join('\n');
}
