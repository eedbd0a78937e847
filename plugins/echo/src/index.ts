import { definePlugin } from '@aof/api';
import { echoSpec } from './spec.js';

/** Runs in process with no binary: for trying routing end to end and for benchmarks without process spawns. */
export const echoPlugin = definePlugin({
  name: 'echo',
  kind: 'tool',
  version: '0.1.0',
  init: () => ({
    tools: [{ name: echoSpec.name, description: echoSpec.description, module: new URL('./worker.js', import.meta.url).href }],
  }),
});

export default echoPlugin;
