import { WINDOW_MS, type LimitRule } from './limit-rules.js';

/** A message refused by a limit: which one, and when the window it counts in ends. */
export interface LimitRefusal {
  rule: LimitRule;
  retryAfterMs: number;
  /** The `scope` label of agentflow_ratelimited_total: `organization`, `user_tokens`, ... (bounded). */
  metricScope: string;
  /** What the user reads. */
  reply: string;
}

export function refusal(rule: LimitRule, retryAfterMs: number): LimitRefusal {
  const per = `per ${rule.window}`;
  const reply = rule.unit === 'requests'
    ? `Rate limit reached: ${rule.label} allows ${rule.limit} requests ${per}.`
    : `Token budget reached: ${rule.label} has used its ${rule.limit} model tokens ${per}.`;
  return {
    rule,
    retryAfterMs,
    metricScope: rule.unit === 'requests' ? rule.scope : `${rule.scope}_tokens`,
    reply: `${reply} Try again in ${humanDuration(retryAfterMs)}.`,
  };
}

/** Rounded up, so a user told "2 minutes" is never refused again for trying on time. */
function humanDuration(ms: number): string {
  // Hours only from two of them up: "90 minutes" says more than "2 hours" does.
  if (ms >= 2 * WINDOW_MS.hour) return plural(Math.ceil(ms / WINDOW_MS.hour), 'hour');
  if (ms >= WINDOW_MS.minute) return plural(Math.ceil(ms / WINDOW_MS.minute), 'minute');
  return plural(Math.max(1, Math.ceil(ms / 1000)), 'second');
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
