import type { InboundMessage, LoadedFlow, RoutingConfig, Scorer } from '@aof/api';
import { type CompiledPattern, compilePattern } from '../../core/router/pattern.js';
import { selectAgent, stripLeadingMention } from '../../core/router/flow-router.js';

/**
 * The baseline the index is measured against: a linear scan that evaluates every filter of
 * every flow for every message (patterns compiled once, but no index, no memo, no early stop).
 */
export class NaiveRouter {
  private readonly patterns: Array<CompiledPattern[] | null>;

  constructor(private readonly flows: readonly LoadedFlow[], private readonly routing: RoutingConfig, private readonly scorer: Scorer) {
    this.patterns = flows.map((loaded) => loaded.flow.spec.trigger?.config?.patterns?.map(compilePattern) ?? null);
  }

  routeBest(message: InboundMessage): { flow: LoadedFlow | null; agent: string | null; score: number } {
    const text = stripLeadingMention(message.text);
    let best: LoadedFlow | null = null;
    let bestScore = Number.NEGATIVE_INFINITY;
    this.flows.forEach((loaded, i) => {
      if (!loaded.active) return;
      const trigger = loaded.flow.spec.trigger;
      const config = trigger?.config;
      if (trigger?.type !== undefined && trigger.type.toLowerCase() !== message.platform.toLowerCase()) return;
      if (config?.events && !config.events.includes(message.event ?? '')) return;
      if (config?.channels && !config.channels.some((entry) => nameMatches(entry, message.channel.id, message.channel.name, '#'))) return;
      if (config?.users && !config.users.some((entry) => nameMatches(entry, message.user.id, message.user.name, '@'))) return;
      const patterns = this.patterns[i];
      if (patterns && !patterns.some((pattern) => pattern.test(text))) return;
      const matched = [
        ...(trigger?.type !== undefined ? ['platform' as const] : []),
        ...(config?.channels ? ['channel' as const] : []),
        ...(config?.users ? ['user' as const] : []),
        ...(patterns ? ['pattern' as const] : []),
      ];
      const score = this.scorer.score({ message, flow: loaded, matched, weights: this.routing.weights, score: 0 });
      if (score > bestScore || (score === bestScore && best !== null && loaded.index < best.index)) {
        best = loaded;
        bestScore = score;
      }
    });
    const winner = best as LoadedFlow | null;
    if (winner === null) return { flow: null, agent: this.routing.strict_mode ? null : this.routing.default_agent ?? null, score: 0 };
    return { flow: winner, agent: selectAgent(winner.flow, text), score: bestScore };
  }
}

function nameMatches(entry: string, id: string, name: string | undefined, prefix: string): boolean {
  if (entry === '*' || entry === id) return true;
  if (name === undefined) return false;
  const key = (value: string): string => (value.startsWith(prefix) ? value.slice(1) : value).toLowerCase();
  return key(entry) === key(name);
}
