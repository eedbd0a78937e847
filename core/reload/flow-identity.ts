import type { LoadedFlow } from '@aof/api';

/**
 * Gives every flow a reload left as it was (same document, position, source and state) its
 * previous object back. The runtime keys a flow's sandbox pool by the flow object it was built
 * for and retires the pool when another object under the same name arrives, so keeping the
 * object keeps warm workers through reloads that did not touch the flow.
 */
export function keepUnchangedFlows(before: readonly LoadedFlow[], after: readonly LoadedFlow[]): LoadedFlow[] {
  const previous = new Map(before.map((flow) => [flow.flow.metadata.name, flow]));
  return after.map((flow) => {
    const old = previous.get(flow.flow.metadata.name);
    return old !== undefined && JSON.stringify(old) === JSON.stringify(flow) ? old : flow;
  });
}
