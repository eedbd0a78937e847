import { definePlugin, type LoadedFlow, type MatchedFilter, type RoutingWeights, type Scorer } from '@aof/api';

/** `event` narrows a flow but earns nothing; catch_all is decided by the flow, not the match. */
function weightOf(filter: MatchedFilter, weights: RoutingWeights): number {
  switch (filter) {
    case 'channel':
    case 'user':
    case 'pattern':
    case 'platform':
      return weights[filter];
    default:
      return 0;
  }
}

/** A flow with none of channels, users or patterns answers anything on its platforms. */
function isCatchAll(flow: LoadedFlow): boolean {
  const config = flow.flow.spec.trigger?.config;
  return config?.channels == null && config?.users == null && config?.patterns == null;
}

/**
 * DESIGN §4: the sum of the weights of the filters the flow has and the message matched
 * (channels 100, users 80, patterns 60, platform 40 by default), or the catch-all weight.
 */
export const weightedScorer: Scorer = {
  score({ flow, matched, weights }) {
    let score = isCatchAll(flow) ? weights.catch_all : 0;
    for (const filter of matched) score += weightOf(filter, weights);
    return score;
  },
  // Every present filter matches in a candidate, so the bound is the score of a flow's full filter set.
  upperBound(flow, weights) {
    const trigger = flow.flow.spec.trigger;
    const config = trigger?.config;
    let bound = isCatchAll(flow) ? weights.catch_all : 0;
    if (typeof trigger?.type === 'string') bound += weights.platform;
    if (config?.channels != null) bound += weights.channel;
    if (config?.users != null) bound += weights.user;
    if (config?.patterns != null) bound += weights.pattern;
    return bound;
  },
};

/** The built-in scorer the kernel loads by default; `replace`, so it starts the chain. */
export const scorerWeighted = definePlugin({
  name: 'scorer-weighted',
  kind: 'scorer',
  init: () => ({ scorer: weightedScorer, mode: 'replace' }),
});

export default scorerWeighted;
