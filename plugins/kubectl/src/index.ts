import { definePlugin } from '@aof/api';
import { kubectlSpec } from './spec.js';

export { collapseKlogRepeats } from './klog.js';

export const kubectlPlugin = definePlugin({
  name: 'kubectl',
  kind: 'tool',
  version: '0.1.0',
  init: () => ({
    tools: [{
      name: kubectlSpec.name,
      description: kubectlSpec.description,
      module: new URL('./worker.js', import.meta.url).href,
      binaries: ['kubectl'],
    }],
  }),
});

export default kubectlPlugin;
