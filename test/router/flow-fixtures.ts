import type { FlowAgentRef, InboundMessage, LoadedFlow, RoutingConfig, RoutingWeights, Scorer } from '@aof/api';
import scorerLabelBoost, { type LabelBoostConfig } from '@aof/plugin-scorer-label-boost';
import scorerWeighted from '@aof/plugin-scorer-weighted';
import type { ScorerEntry } from '../../core/router/flow-router.js';

/** DESIGN §4 defaults, as the daemon config schema fills them in. */
export const DEFAULT_WEIGHTS: Readonly<RoutingWeights> = Object.freeze({ channel: 100, user: 80, pattern: 60, platform: 40, catch_all: 10 });

export interface FlowSpec {
  name: string;
  type?: string;
  events?: string[];
  channels?: string[];
  users?: string[];
  patterns?: string[];
  agents?: FlowAgentRef[];
  labels?: Record<string, string>;
  active?: boolean;
  /** Load position; defaults to the position in the list. */
  index?: number;
}

export function makeFlow(spec: FlowSpec, position: number): LoadedFlow {
  const config = {
    ...(spec.events && { events: spec.events }),
    ...(spec.channels && { channels: spec.channels }),
    ...(spec.users && { users: spec.users }),
    ...(spec.patterns && { patterns: spec.patterns }),
  };
  return {
    flow: {
      apiVersion: 'aof.dev/v1',
      kind: 'AgentFlow',
      metadata: { name: spec.name, ...(spec.labels && { labels: spec.labels }) },
      spec: {
        trigger: { ...(spec.type !== undefined && { type: spec.type }), config },
        agents: spec.agents ?? [{ name: `${spec.name}-agent` }],
      },
    },
    index: spec.index ?? position,
    source: { file: `flows/${spec.name}.yaml`, line: 1, column: 1 },
    active: spec.active ?? true,
    ...(spec.active === false && { inactiveReason: 'platform not enabled' }),
  };
}

export function makeFlows(specs: readonly FlowSpec[]): LoadedFlow[] {
  return specs.map(makeFlow);
}

export interface RoutingSpec {
  default_agent?: string;
  strict_mode?: boolean;
  weights?: Partial<RoutingWeights>;
}

export function makeRouting(spec: RoutingSpec = {}): RoutingConfig {
  return {
    strict_mode: spec.strict_mode ?? false,
    weights: { ...DEFAULT_WEIGHTS, ...spec.weights },
    ...(spec.default_agent !== undefined && { default_agent: spec.default_agent }),
  };
}

export interface MessageSpec {
  platform?: string;
  channelId?: string;
  /** null: the platform reported no name. */
  channelName?: string | null;
  /** A second name of the channel (`channel.handle`, a Telegram group's @username). */
  channelHandle?: string;
  userId?: string;
  userName?: string | null;
  text?: string;
  /** null: the platform reported no event type. */
  event?: string | null;
}

export function makeMessage(spec: MessageSpec = {}): InboundMessage {
  const channelName = spec.channelName === undefined ? 'general' : spec.channelName;
  const userName = spec.userName === undefined ? 'dev' : spec.userName;
  const event = spec.event === undefined ? 'app_mention' : spec.event;
  return {
    id: 'msg-1',
    platform: spec.platform ?? 'slack',
    channel: { id: spec.channelId ?? 'C0GENERAL', ...(channelName !== null && { name: channelName }), ...(spec.channelHandle !== undefined && { handle: spec.channelHandle }) },
    user: { id: spec.userId ?? 'U0DEV', ...(userName !== null && { name: userName }) },
    text: spec.text ?? 'hello',
    kind: 'mention',
    ...(event !== null && { event }),
    receivedAt: 0,
  };
}

/** The scorers the daemon loads by default: scorer-weighted alone. */
export async function weightedEntry(): Promise<ScorerEntry> {
  const instance = await scorerWeighted.init({ name: 'scorer-weighted', config: {}, deps: {} });
  return { name: 'scorer-weighted', scorer: instance.scorer, mode: instance.mode ?? 'adjust' };
}

export async function labelBoostEntry(config: LabelBoostConfig): Promise<ScorerEntry> {
  const instance = await scorerLabelBoost.init({ name: 'scorer-label-boost', config, deps: {} });
  return { name: 'scorer-label-boost', scorer: instance.scorer, mode: instance.mode ?? 'adjust' };
}

/** A scorer as a third party might write it without upperBound: the router must score every candidate. */
export function unboundedEntry(name: string, score: Scorer['score'], mode: ScorerEntry['mode'] = 'adjust'): ScorerEntry {
  return { name, scorer: { score }, mode };
}
