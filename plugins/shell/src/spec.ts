import type { ToolSpec } from '@aof/api';

/** Shared by the kernel-side descriptor and the worker, so the model and `aofctl` describe the tool alike. */
export const shellSpec: ToolSpec = {
  name: 'shell',
  description:
    'Run one allowed program with arguments, e.g. ["df", "-h"]. No shell is involved: pipes, redirects, ' +
    'globs and variables are not interpreted. Only the programs the operator allowed can run.',
  parameters: {
    type: 'object',
    properties: {
      argv: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Program name then its arguments.' },
    },
    required: ['argv'],
    additionalProperties: false,
  },
};
