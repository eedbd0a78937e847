import type { ToolSpec } from '@aof/api';

/** Shared by the kernel-side descriptor and the worker, so the model and `aofctl` describe the tool alike. */
export const httpSpec: ToolSpec = {
  name: 'http',
  description:
    'Make an HTTP GET or POST request to an allowed host and read the status and body. ' +
    'Redirects are not followed. Only hosts the operator allowed can be reached.',
  parameters: {
    type: 'object',
    properties: {
      method: { type: 'string', enum: ['GET', 'POST'], description: 'Defaults to GET.' },
      url: { type: 'string', description: 'Absolute http(s) URL.' },
      body: { description: 'POST body: a string is sent as text, anything else as JSON.' },
    },
    required: ['url'],
    additionalProperties: false,
  },
};
