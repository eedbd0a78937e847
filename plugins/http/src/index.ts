import { definePlugin } from '@aof/api';
import { httpSpec } from './spec.js';

/** Which hosts are reachable is each flow's `tool_config.http.allowed_hosts`. */
export const httpPlugin = definePlugin({
  name: 'http',
  kind: 'tool',
  version: '0.1.0',
  init: () => ({
    tools: [{ name: httpSpec.name, description: httpSpec.description, module: new URL('./worker.js', import.meta.url).href }],
  }),
});

export default httpPlugin;
