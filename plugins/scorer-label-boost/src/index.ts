import { definePlugin, type LoadedFlow, type Scorer } from '@aof/api';

export interface LabelBoostConfig {
  /** Metadata label to look at, e.g. `tier`. */
  label: string;
  /** Value the label must have, e.g. `enterprise`. */
  value: string;
  /** Added to the score of every matching flow; negative to de-prefer. */
  boost: number;
}

export const labelBoostConfigSchema = {
  type: 'object',
  properties: {
    label: { type: 'string', minLength: 1 },
    value: { type: 'string' },
    boost: { type: 'number' },
  },
  required: ['label', 'value', 'boost'],
  additionalProperties: false,
};

/** Adds `boost` to the score the earlier scorers gave a flow labelled `label: value`. */
export function labelBoostScorer({ label, value, boost }: LabelBoostConfig): Scorer {
  const boostOf = (flow: LoadedFlow): number => (flow.flow.metadata.labels?.[label] === value ? boost : 0);
  return {
    score: ({ flow, score }) => score + boostOf(flow),
    upperBound: (flow, _weights, previousBound) => previousBound + boostOf(flow),
  };
}

/**
 * An example third-party scorer: prefer (or avoid) flows by a metadata label, on top of the
 * built-in weights. In daemon-config.yaml:
 * `plugins: [{ use: scorer-label-boost, config: { label: tier, value: enterprise, boost: 5 } }]`.
 */
export const scorerLabelBoost = definePlugin<'scorer', LabelBoostConfig>({
  name: 'scorer-label-boost',
  kind: 'scorer',
  configSchema: labelBoostConfigSchema,
  init: ({ config }) => ({ scorer: labelBoostScorer(config), mode: 'adjust' }),
});

export default scorerLabelBoost;
