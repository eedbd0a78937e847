import type { ToolSpec } from '@aof/api';

/** Shared by the kernel-side descriptor and the worker, so the model and `aofctl` describe the tool alike. */
export const helmSpec: ToolSpec = {
  name: 'helm',
  description:
    'Run helm against the cluster this conversation is bound to. Give the arguments after "helm" as a list, ' +
    'e.g. ["list", "-n", "staging"]. The cluster, credentials and context are fixed; flags that change them are refused.',
  parameters: {
    type: 'object',
    properties: {
      args: { type: 'array', items: { type: 'string' }, description: 'Arguments after "helm", one per element.' },
    },
    required: ['args'],
    additionalProperties: false,
  },
};
