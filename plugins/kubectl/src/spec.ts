import type { ToolSpec } from '@aof/api';

/** Shared by the kernel-side descriptor and the worker, so the model and `aofctl` describe the tool alike. */
export const kubectlSpec: ToolSpec = {
  name: 'kubectl',
  description:
    'Run kubectl against the cluster this conversation is bound to. Give the arguments after "kubectl" as a list, ' +
    'e.g. ["get", "pods", "-n", "staging"]. The cluster, credentials and context are fixed; flags that change them are refused.',
  parameters: {
    type: 'object',
    properties: {
      args: { type: 'array', items: { type: 'string' }, description: 'Arguments after "kubectl", one per element.' },
    },
    required: ['args'],
    additionalProperties: false,
  },
};
