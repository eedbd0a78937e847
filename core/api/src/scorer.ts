import type { LoadedFlow, RoutingWeights } from './config.js';
import type { InboundMessage } from './message.js';

/** A filter that a flow had and the message satisfied. */
export type MatchedFilter = 'channel' | 'user' | 'pattern' | 'platform' | 'event' | 'catch_all';

/**
 * The filter that kept a flow from being a candidate. `flows`: the message named the flows it may
 * reach (`InboundMessage.flows`) and this is not one of them.
 */
export type ExcludingFilter = 'inactive' | 'flows' | 'platform' | 'event' | 'channel' | 'user' | 'pattern';

export interface ScoreInput {
  message: InboundMessage;
  flow: LoadedFlow;
  matched: readonly MatchedFilter[];
  weights: RoutingWeights;
  /** Score given by the scorers before this one (0 for the first). */
  score: number;
}

export interface Scorer {
  /** Returns the flow's score; higher wins. */
  score(input: ScoreInput): number;
  /**
   * The most this scorer can ever return for the flow given the highest possible earlier score.
   * The router uses it to skip flows that cannot win; omit it and every candidate is scored.
   */
  upperBound?(flow: LoadedFlow, weights: RoutingWeights, previousBound: number): number;
}
