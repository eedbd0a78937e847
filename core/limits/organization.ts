import type { LoadedFlow } from '@aof/api';

/** The organization a flow bills to: `context.organization`, else its `organization` label; '' for none. */
export function organizationOf(flow: LoadedFlow | null): string {
  return flow?.flow.spec.context?.organization ?? flow?.flow.metadata.labels?.organization ?? '';
}
