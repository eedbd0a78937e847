import { definePlugin, pluginRef, type ApprovalInstance } from '@aof/api';

export interface BusinessHoursConfig {
  /** Days approvals count on: 0 is Sunday, 6 Saturday. */
  days: number[];
  /** First hour (0-23) approvals count, on the business's clock. */
  start_hour: number;
  /** Hour (1-24) approvals stop counting. */
  end_hour: number;
  /** The business's clock as an offset from UTC in minutes (60 for UTC+1). */
  utc_offset_minutes: number;
}

/** True when `now` (epoch ms) falls in the configured hours. */
export function withinBusinessHours(now: number, config: BusinessHoursConfig): boolean {
  const local = new Date(now + config.utc_offset_minutes * 60_000);
  const hour = local.getUTCHours() + local.getUTCMinutes() / 60;
  return config.days.includes(local.getUTCDay()) && hour >= config.start_hour && hour < config.end_hour;
}

const deps = { reactions: pluginRef<ApprovalInstance>('approval-reaction') };

/**
 * An example of a custom approval strategy (`approval.strategy: business-hours`): the `reaction`
 * strategy, except that approvals count only during business hours, so nobody waves a
 * production change through at 3 a.m. Denials and withdrawals count at any time. It narrows what
 * counts; the kernel's rules (listed approvers, N of M, no self-approval, expiry) still apply.
 */
export const plugin = definePlugin<'approval', BusinessHoursConfig, typeof deps>({
  name: 'approval-business-hours',
  kind: 'approval',
  configSchema: {
    type: 'object',
    properties: {
      days: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 6 }, uniqueItems: true, default: [1, 2, 3, 4, 5] },
      start_hour: { type: 'number', minimum: 0, maximum: 23, default: 9 },
      end_hour: { type: 'number', minimum: 1, maximum: 24, default: 17 },
      utc_offset_minutes: { type: 'integer', minimum: -840, maximum: 840, default: 0 },
    },
    additionalProperties: false,
  },
  deps,
  init: ({ config, deps: { reactions } }) => ({
    strategy: 'business-hours',
    mode: 'reaction',
    interpret(event, context) {
      const vote = reactions.interpret(event, context);
      return vote === 'approve' && !withinBusinessHours(context.now, config) ? undefined : vote;
    },
  }),
});

export default plugin;
