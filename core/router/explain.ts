import type { ExcludingFilter, InboundMessage, MatchedFilter } from '@aof/api';
import { beats } from './candidate-search.js';
import type { CompiledFlow } from './compiled-flow.js';
import { excludedBy, type MessageKeys } from './filters.js';
import type { PatternMemo } from './pattern-memo.js';
import type { CandidateExplanation } from './route-decision.js';
import type { ScorerChain } from './scorer-chain.js';

export interface Explanation {
  best: CompiledFlow | null;
  bestScore: number;
  /** Every flow, in the order given. */
  candidates: CandidateExplanation[];
}

/** Position of each filter in the order they are checked, so an exclusion reports what passed before it. */
const CHECK_ORDER: Record<MatchedFilter | ExcludingFilter, number> = {
  inactive: 0,
  flows: 1,
  platform: 2,
  event: 3,
  channel: 4,
  user: 5,
  pattern: 6,
  catch_all: 7,
};

/**
 * The slow path behind `aofctl route` and the admin API: no index and no early stop, every flow
 * evaluated and reported. It also serves as the reference the fast path is tested against.
 */
export function explainAll(
  flows: readonly CompiledFlow[],
  message: InboundMessage,
  keys: MessageKeys,
  memo: PatternMemo,
  chain: ScorerChain,
): Explanation {
  let best: CompiledFlow | null = null;
  let bestScore = Number.NEGATIVE_INFINITY;
  const candidates = flows.map((flow): CandidateExplanation => {
    const excluded = excludedBy(flow, keys, memo);
    if (excluded !== null) {
      const failedAt = CHECK_ORDER[excluded];
      const matched = flow.matched.filter((filter) => CHECK_ORDER[filter] < failedAt);
      return { flow: flow.name, score: null, matched, excluded_by: excluded };
    }
    const score = chain.score(message, flow.loaded, flow.matched);
    if (beats(score, flow, best, bestScore)) {
      best = flow;
      bestScore = score;
    }
    return { flow: flow.name, score, matched: [...flow.matched], excluded_by: null };
  });
  return { best, bestScore, candidates };
}
