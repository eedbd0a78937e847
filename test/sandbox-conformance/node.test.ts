/**
 * The conformance suite against the agent loop run in this process on the Node host: the
 * reference the Deno runtime is held to, independent of the piscina pool built around it.
 */
import { runTask } from '../../sandbox/agent-loop.js';
import { createNodeHost } from '../../sandbox/node-host.js';
import { sandboxConformance } from './suite.js';

sandboxConformance('node (in process)', () => {
  const host = createNodeHost();
  return {
    run: (request, { signal }) => runTask(request, host, signal),
    alive: () => 0,
    close: () => Promise.resolve(),
  };
});
