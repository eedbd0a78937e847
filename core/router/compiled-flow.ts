import type { LoadedFlow, MatchedFilter } from '@aof/api';
import { channelNameKey, compileNameFilter, type NameFilter, userNameKey } from './names.js';
import type { PatternTable } from './pattern-memo.js';
import { compileAgentChooser, type AgentChooser } from './select-agent.js';

/** A flow with everything routing needs precomputed, so a message does lookups, not parsing. */
export interface CompiledFlow {
  readonly loaded: LoadedFlow;
  readonly name: string;
  /** LoadedFlow.index: ties go to the lower one. */
  readonly index: number;
  readonly active: boolean;
  /** Lower-cased `trigger.type`; null serves every platform. */
  readonly platform: string | null;
  readonly events: ReadonlySet<string> | null;
  readonly channels: NameFilter | null;
  readonly users: NameFilter | null;
  /** Pattern ids; the filter matches when any of them does. */
  readonly patterns: readonly number[] | null;
  /** What a candidate always matched: every present filter, plus catch_all when it has no channel/user/pattern filter. */
  readonly matched: readonly MatchedFilter[];
  readonly agents: AgentChooser;
  /** The most the scorer chain can give this flow; +Infinity when a scorer cannot say. */
  readonly bound: number;
  /** Position in (bound desc, index asc) order, also the flow's slot in per-message marks. */
  readonly rank: number;
}

const NO_AGENTS: AgentChooser = { names: [], patterns: [], fallback: null };

/**
 * Compiles the flows and orders them by rank. An inactive flow is never routed to, so its
 * patterns are not compiled: a flow that is not in service cannot stop the daemon from starting.
 */
export function compileFlows(
  flows: readonly LoadedFlow[],
  table: PatternTable,
  boundOf: (flow: LoadedFlow) => number,
): CompiledFlow[] {
  const drafts = flows.map((loaded) => ({ loaded, bound: loaded.active ? boundOf(loaded) : Number.NEGATIVE_INFINITY }));
  drafts.sort((a, b) => (b.bound - a.bound) || (a.loaded.index - b.loaded.index));
  return drafts.map(({ loaded, bound }, rank) => compileFlow(loaded, table, bound, rank));
}

function compileFlow(loaded: LoadedFlow, table: PatternTable, bound: number, rank: number): CompiledFlow {
  const trigger = loaded.flow.spec.trigger;
  const config = trigger?.config;
  const active = loaded.active;
  const platform = typeof trigger?.type === 'string' ? trigger.type.toLowerCase() : null;
  const events = present(config?.events) ? new Set(config.events) : null;
  const channels = present(config?.channels) ? compileNameFilter(config.channels, channelNameKey) : null;
  const users = present(config?.users) ? compileNameFilter(config.users, userNameKey) : null;
  const patterns = present(config?.patterns) && active ? table.internAll(config.patterns) : null;
  return {
    loaded,
    name: loaded.flow.metadata.name,
    index: loaded.index,
    active,
    platform,
    events,
    channels,
    users,
    patterns,
    matched: Object.freeze(matchedFilters(platform, events, channels, users, present(config?.patterns))),
    agents: active ? compileAgentChooser(loaded.flow.spec.agents, table) : NO_AGENTS,
    bound,
    rank,
  };
}

/**
 * A filter is present when the list is there, even empty: an emptied `users` list must
 * admit nobody rather than everybody.
 */
function present<T>(list: readonly T[] | null | undefined): list is readonly T[] {
  return list !== undefined && list !== null;
}

function matchedFilters(
  platform: string | null,
  events: ReadonlySet<string> | null,
  channels: NameFilter | null,
  users: NameFilter | null,
  hasPatterns: boolean,
): MatchedFilter[] {
  const matched: MatchedFilter[] = [];
  if (platform !== null) matched.push('platform');
  if (events !== null) matched.push('event');
  if (channels !== null) matched.push('channel');
  if (users !== null) matched.push('user');
  if (hasPatterns) matched.push('pattern');
  if (channels === null && users === null && !hasPatterns) matched.push('catch_all');
  return matched;
}
