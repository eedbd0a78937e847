import { definePlugin } from '@aof/api';

/** The model that needs no LLM and no key: the embedded default on a fresh machine. */
export const commandPlugin = definePlugin({
  name: 'command',
  kind: 'model',
  version: '0.1.0',
  init: () => ({ providers: ['command'], module: new URL('./worker.js', import.meta.url).href }),
});

export default commandPlugin;
