import { definePlugin } from '@aof/api';
import { ANTHROPIC_BASE_URL } from './defaults.js';

/** Anthropic Messages API with tool use: `anthropic:claude-...`. */
export const anthropicPlugin = definePlugin({
  name: 'anthropic',
  kind: 'model',
  version: '0.1.0',
  init: () => ({
    providers: ['anthropic'],
    module: new URL('./worker.js', import.meta.url).href,
    defaultBaseUrls: { anthropic: ANTHROPIC_BASE_URL },
  }),
});

export default anthropicPlugin;
