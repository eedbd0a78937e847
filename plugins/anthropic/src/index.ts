import { definePlugin } from '@aof/api';

/** Anthropic Messages API with tool use: `anthropic:claude-...`. */
export const anthropicPlugin = definePlugin({
  name: 'anthropic',
  kind: 'model',
  version: '0.1.0',
  init: () => ({ providers: ['anthropic'], module: new URL('./worker.js', import.meta.url).href }),
});

export default anthropicPlugin;
