import { definePlugin } from '@aof/api';
import { shellSpec } from './spec.js';

/** No `binaries`: which programs may run is each flow's `tool_config.shell.allowed_binaries`. */
export const shellPlugin = definePlugin({
  name: 'shell',
  kind: 'tool',
  version: '0.1.0',
  init: () => ({
    tools: [{ name: shellSpec.name, description: shellSpec.description, module: new URL('./worker.js', import.meta.url).href }],
  }),
});

export default shellPlugin;
