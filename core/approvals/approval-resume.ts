/**
 * Runs an approved call: the suspended run goes back to the flow's sandbox through the runtime
 * (admission, the flow's pool and env, its memory namespace), with the approved call first,
 * exactly as it was asked for, then the agent loop carries on with its result.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { InboundMessage, LoadedAgent, LoadedFlow } from '@aof/api';
import type { ConfigSnapshot } from '../daemon/config-snapshot.js';
import type { AgentRuntime, TaskOutcome } from '../runtime/agent-runtime.js';
import type { ApprovalRecord, SuspendedRun } from './types.js';

/** Flows and agents of the configuration in force now. */
export interface ConfigLookup {
  flow(name: string): LoadedFlow | undefined;
  agent(name: string): LoadedAgent | undefined;
}

/** Lookups in a config snapshot: an approved run resumes on the configuration in force when it is approved. */
export function lookupIn(snapshot: ConfigSnapshot): ConfigLookup {
  return {
    flow: (name) => snapshot.config.flows.find((flow) => flow.flow.metadata.name === name && flow.active),
    agent: (name) => snapshot.agents.get(name),
  };
}

export interface ResumeDeps {
  runtime: Pick<AgentRuntime, 'run'>;
  config: () => ConfigLookup;
  now: () => number;
}

export type Resumed = { outcome: TaskOutcome; message: InboundMessage; flow: LoadedFlow } | { error: string };

/** The asking message again (same id, thread and user), so the run keeps its memory namespace and per-user limits. */
function askingMessage(record: ApprovalRecord, run: SuspendedRun, now: number): InboundMessage {
  const { requester } = record;
  return {
    id: record.messageId,
    platform: requester.platform,
    ...(requester.workspace !== '' && { workspace: requester.workspace }),
    channel: { ...record.channel },
    user: { id: requester.user, ...(requester.name !== undefined && { name: requester.name }) },
    ...(record.thread !== undefined && { thread: record.thread }),
    text: run.text,
    kind: 'message',
    receivedAt: now,
  };
}

/**
 * What an approval approves besides the command: where it runs. A reload (or another cluster
 * node's configuration) that points the flow at another kubeconfig, namespace, cluster or env
 * between the request and its approval must not carry the approved command there. A digest, so
 * the record holds no env value.
 */
export function flowContextDigest(flow: LoadedFlow): string {
  const { kubeconfig, namespace, cluster_name: cluster, env } = flow.flow.spec.context ?? {};
  const sortedEnv = Object.entries(env ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify([kubeconfig ?? null, namespace ?? null, cluster ?? null, sortedEnv])).digest('base64url');
}

export async function resumeApproved(record: ApprovalRecord, run: SuspendedRun, deps: ResumeDeps): Promise<Resumed> {
  const config = deps.config();
  const flow = config.flow(record.flow);
  if (flow === undefined) return { error: `Flow ${record.flow} is no longer loaded, so \`${record.command}\` was not run.` };
  if (record.contextDigest !== undefined && record.contextDigest !== flowContextDigest(flow)) {
    return { error: `Flow ${record.flow}'s context (kubeconfig, namespace, cluster or env) changed after ${record.id} was asked, so \`${record.command}\` was not run where nobody approved it. Ask again.` };
  }
  const message = askingMessage(record, run, deps.now());
  const { pending } = run;
  const outcome = await deps.runtime.run({
    requestId: randomUUID(),
    flow,
    agentName: record.agent,
    agent: config.agent(record.agent),
    message,
    resume: { approved: pending.call, remaining: pending.remaining, messages: pending.messages, iterations: pending.iterations },
  });
  return { outcome, message, flow };
}

/** What the audit keeps of a result: how it ended and how the approved call did, not its output. */
export function resultSummary(outcome: TaskOutcome): Record<string, unknown> {
  const call = outcome.result?.toolCalls[0];
  return {
    status: outcome.status,
    ...(call !== undefined && { ok: call.ok, exit_code: call.exitCode, ms: call.ms, ...(call.refused !== undefined && { refused: call.refused }) }),
    ...(outcome.errorCode !== undefined && { error_code: outcome.errorCode }),
    reply_chars: outcome.reply.length,
  };
}
