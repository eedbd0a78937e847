/** The JSON the admin API answers with; `aofctl get` reads the same types. */
import type { LoadedAgent, LoadedFlow, SourceLocation, StateStore } from '@aof/api';
import { organizationOf } from '../limits/organization.js';

export interface FlowView {
  name: string;
  active: boolean;
  inactive_reason: string | null;
  /** `trigger.type` as written, or null when the flow serves every platform. */
  platform: string | null;
  organization: string | null;
  agents: string[];
  /** `file:line` of the flow's document. */
  source: string;
}

export interface AgentView {
  name: string;
  model: string;
  tools: string[];
  source: string;
}

export interface ApprovalView {
  /** The store key without its `approval:` prefix. */
  id: string;
  record: Record<string, unknown>;
}

const APPROVAL_KEY_PREFIX = 'approval:';

function sourceOf(source: SourceLocation): string {
  return `${source.file}:${source.line}`;
}

export function flowView(flow: LoadedFlow): FlowView {
  const { metadata, spec } = flow.flow;
  return {
    name: metadata.name,
    active: flow.active,
    inactive_reason: flow.inactiveReason ?? null,
    platform: spec.trigger?.type ?? null,
    organization: organizationOf(flow) || null,
    agents: spec.agents.map((agent) => agent.name),
    source: sourceOf(flow.source),
  };
}

export function agentView(agent: LoadedAgent): AgentView {
  const { metadata, spec } = agent.agent;
  return { name: metadata.name, model: spec.model, tools: spec.tools ?? [], source: sourceOf(agent.source) };
}

/**
 * Pending approvals as the approval service stores them: one JSON record at `approval:<id>`.
 * Its companions (`approval:<id>:votes`, `:run`, `:audit`, ..., `approval:msg:...`) have more
 * segments and are not listed; a record that is not a JSON object is skipped.
 */
export async function approvalViews(store: StateStore): Promise<ApprovalView[]> {
  const views: ApprovalView[] = [];
  for (const key of (await store.keys(APPROVAL_KEY_PREFIX)).sort()) {
    const id = key.slice(APPROVAL_KEY_PREFIX.length);
    if (id === '' || id.includes(':')) continue;
    const record = await readRecord(store, key);
    if (record !== undefined) views.push({ id, record });
  }
  return views;
}

async function readRecord(store: StateStore, key: string): Promise<Record<string, unknown> | undefined> {
  try {
    const raw = await store.get(key);
    const value: unknown = raw === undefined ? undefined : JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}
