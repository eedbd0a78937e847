import type { AgentFlow, FlowAgentRef } from '@aof/api';
import { compilePattern } from './pattern.js';
import type { PatternMemo, PatternTable } from './pattern-memo.js';

/** A flow's agents with their patterns numbered, so choosing one reuses the message's pattern memo. */
export interface AgentChooser {
  readonly names: readonly string[];
  /** Pattern ids per agent; null for an agent without patterns. */
  readonly patterns: readonly (readonly number[] | null)[];
  /** The first agent without patterns, else the first agent. */
  readonly fallback: string | null;
}

export function compileAgentChooser(agents: readonly FlowAgentRef[], table: PatternTable): AgentChooser {
  const patterns = agents.map((agent) => (hasPatterns(agent) ? table.internAll(agent.patterns) : null));
  return {
    names: agents.map((agent) => agent.name),
    patterns,
    fallback: fallbackAgent(agents),
  };
}

/** The first agent whose patterns match, else the fallback. */
export function chooseAgent(chooser: AgentChooser, memo: PatternMemo): string | null {
  for (let i = 0; i < chooser.patterns.length; i++) {
    const ids = chooser.patterns[i];
    if (ids && memo.testAny(ids)) return chooser.names[i] ?? null;
  }
  return chooser.fallback;
}

/**
 * Which of the flow's agents answers `text` (already normalized): the first whose patterns
 * match, else the first without patterns, else the first agent.
 */
export function selectAgent(flow: AgentFlow, text: string): string | null {
  const { agents } = flow.spec;
  const matching = agents.find((agent) => hasPatterns(agent) && agent.patterns.some((source) => compilePattern(source).test(text)));
  return matching?.name ?? fallbackAgent(agents);
}

function fallbackAgent(agents: readonly FlowAgentRef[]): string | null {
  return (agents.find((agent) => !hasPatterns(agent)) ?? agents[0])?.name ?? null;
}

function hasPatterns(agent: FlowAgentRef): agent is FlowAgentRef & { patterns: string[] } {
  return Array.isArray(agent.patterns) && agent.patterns.length > 0;
}
