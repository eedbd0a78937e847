import { definePlugin } from '@aof/api';
import { helmSpec } from './spec.js';

export const helmPlugin = definePlugin({
  name: 'helm',
  kind: 'tool',
  version: '0.1.0',
  init: () => ({
    tools: [{
      name: helmSpec.name,
      description: helmSpec.description,
      module: new URL('./worker.js', import.meta.url).href,
      binaries: ['helm'],
    }],
  }),
});

export default helmPlugin;
