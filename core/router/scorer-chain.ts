import { AofError, ErrorCode, type InboundMessage, type LoadedFlow, type MatchedFilter, type RoutingWeights } from '@aof/api';
import type { ScorerEntry } from './route-decision.js';

/**
 * The scorers that decide a candidate's score: from the last `replace` entry on (every entry
 * when none replaces), each given the score of the one before it (0 for the first).
 */
export class ScorerChain {
  private readonly entries: readonly ScorerEntry[];
  private readonly bounded: boolean;

  constructor(entries: readonly ScorerEntry[], private readonly weights: RoutingWeights) {
    if (entries.length === 0) {
      throw new AofError(ErrorCode.CONFIG_INVALID,
        'the flow router has no scorer: keep the built-in scorer-weighted plugin enabled or add a scorer plugin');
    }
    let start = 0;
    entries.forEach((entry, i) => {
      if (entry.mode === 'replace') start = i;
    });
    this.entries = entries.slice(start);
    this.bounded = this.entries.every((entry) => typeof entry.scorer.upperBound === 'function');
  }

  /** The scorers in force, by plugin name. */
  get names(): string[] {
    return this.entries.map((entry) => entry.name);
  }

  score(message: InboundMessage, flow: LoadedFlow, matched: readonly MatchedFilter[]): number {
    let score = 0;
    for (let i = 0; i < this.entries.length; i++) {
      const entry = this.entries[i] as ScorerEntry;
      try {
        score = entry.scorer.score({ message, flow, matched, weights: this.weights, score });
      } catch (error) {
        throw hookFailed(entry, 'score', error);
      }
    }
    return score;
  }

  /**
   * The most the chain can give the flow. +Infinity when a scorer has no upperBound (or answers
   * NaN): such a flow is never skipped, which keeps routing correct, only slower.
   */
  upperBound(flow: LoadedFlow): number {
    if (!this.bounded) return Number.POSITIVE_INFINITY;
    let bound = 0;
    for (const entry of this.entries) {
      try {
        bound = entry.scorer.upperBound?.(flow, this.weights, bound) ?? Number.POSITIVE_INFINITY;
      } catch (error) {
        throw hookFailed(entry, 'upperBound', error);
      }
    }
    return Number.isNaN(bound) ? Number.POSITIVE_INFINITY : bound;
  }
}

function hookFailed(entry: ScorerEntry, hook: string, error: unknown): AofError {
  return new AofError(ErrorCode.PLUGIN_HOOK_FAILED, `scorer ${entry.name} failed in ${hook}: ${error instanceof Error ? error.message : String(error)}`, {
    plugin: entry.name,
    hook,
    cause: error,
  });
}
