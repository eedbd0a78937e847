import type { ExcludingFilter, LoadedFlow, MatchedFilter, Scorer } from '@aof/api';

/** One flow in an explained decision: its score when it was a candidate, else the filter that excluded it. */
export interface CandidateExplanation {
  flow: string;
  /** The scorer chain's score; null when the flow was excluded. */
  score: number | null;
  /** Filters the message satisfied (for an excluded flow, those checked before the one that failed). */
  matched: MatchedFilter[];
  excluded_by: ExcludingFilter | null;
}

export interface RouteDecision {
  flow: LoadedFlow | null;
  agent: string | null;
  score: number;
  matched: MatchedFilter[];
  /** No flow matched and `routing.default_agent` answers. */
  fallback: boolean;
  /** No flow matched and `routing.strict_mode` drops the message. */
  dropped: boolean;
  /** The normalized text the patterns saw (leading bot mention removed). */
  text: string;
  /** Every flow in load order; only with `explain`. */
  candidates?: CandidateExplanation[];
}

export interface ScorerEntry {
  /** Plugin name, named in errors the scorer raises. */
  name: string;
  scorer: Scorer;
  mode: 'replace' | 'adjust';
}

export interface RouteOptions {
  /** Evaluate and report every flow (for `aofctl route` and the admin API); slower. */
  explain?: boolean;
}
