/**
 * Which limits apply to one message: the daemon's `limits` (global, per_organization, per_flow,
 * per_user) and the flow's own `spec.limits`, each turned into a rule that names who is counted,
 * what (requests or model tokens) and over which window.
 */
import { shownUser, type DaemonLimits, type InboundMessage, type LoadedFlow, type RateLimit } from '@aof/api';
import { organizationOf } from './organization.js';

export type LimitScope = 'user' | 'flow' | 'organization' | 'global';
export type LimitUnit = 'requests' | 'tokens';
export type LimitWindow = 'minute' | 'hour' | 'day';

export const WINDOW_MS: Readonly<Record<LimitWindow, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export interface LimitRule {
  scope: LimitScope;
  /** Who is counted: a user key, a flow or organization name; '' for the whole daemon. */
  subject: string;
  /** How the subject is shown to users (`organization org-a`, `flow prod-flow`). */
  label: string;
  unit: LimitUnit;
  window: LimitWindow;
  limit: number;
}

/** The order of DESIGN §2 step 6: the narrowest scope first, so its refusal is the one reported. */
const SCOPES: readonly LimitScope[] = ['user', 'flow', 'organization', 'global'];

export function rulesFor(limits: DaemonLimits | undefined, flow: LoadedFlow, message: InboundMessage): LimitRule[] {
  const rules: LimitRule[] = [];
  for (const scope of SCOPES) {
    const subject = subjectOf(scope, flow, message);
    if (subject === undefined) continue;
    for (const [unit, window, limit] of windowsOf(configFor(scope, limits, flow))) {
      rules.push({ scope, subject, label: labelOf(scope, subject, message), unit, window, limit });
    }
  }
  return rules;
}

/** The flow's own `spec.limits.max_requests_per_hour` replaces the daemon's per_flow one for that flow. */
function configFor(scope: LimitScope, limits: DaemonLimits | undefined, flow: LoadedFlow): RateLimit | undefined {
  if (scope === 'user') return limits?.per_user;
  if (scope === 'organization') return limits?.per_organization;
  if (scope === 'global') return limits?.global;
  const own = flow.flow.spec.limits?.max_requests_per_hour;
  return own === undefined ? limits?.per_flow : { ...limits?.per_flow, max_requests_per_hour: own };
}

function windowsOf(config: RateLimit | undefined): Array<[LimitUnit, LimitWindow, number]> {
  const found: Array<[LimitUnit, LimitWindow, number]> = [];
  if (config?.max_requests_per_minute !== undefined) found.push(['requests', 'minute', config.max_requests_per_minute]);
  if (config?.max_requests_per_hour !== undefined) found.push(['requests', 'hour', config.max_requests_per_hour]);
  if (config?.max_tokens_per_day !== undefined) found.push(['tokens', 'day', config.max_tokens_per_day]);
  return found;
}

/** Undefined when the scope does not apply: a flow without an organization has no organization limits. */
function subjectOf(scope: LimitScope, flow: LoadedFlow, message: InboundMessage): string | undefined {
  if (scope === 'global') return '';
  if (scope === 'flow') return flow.flow.metadata.name;
  if (scope === 'organization') return organizationOf(flow) || undefined;
  // As the runtime's per-user cap: platform + workspace + user id, JSON so no id collides with another's parts.
  return JSON.stringify([message.platform, message.workspace ?? '', message.user.id]);
}

function labelOf(scope: LimitScope, subject: string, message: InboundMessage): string {
  if (scope === 'global') return 'this AOF daemon';
  if (scope === 'user') return `user ${shownUser(message.user)}`;
  return `${scope} ${subject}`;
}
