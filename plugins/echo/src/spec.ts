import type { ToolSpec } from '@aof/api';

/** Shared by the kernel-side descriptor and the worker, so the model and `aofctl` describe the tool alike. */
export const echoSpec: ToolSpec = {
  name: 'echo',
  description: 'Repeat the given words back, joined by spaces. Useful to check that a flow answers.',
  parameters: {
    type: 'object',
    properties: { args: { type: 'array', items: { type: 'string' }, description: 'Words to repeat.' } },
    required: ['args'],
    additionalProperties: false,
  },
};
