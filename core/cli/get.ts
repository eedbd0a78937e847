import type { AgentView, ApprovalView, FlowView } from '../admin/admin-views.js';
import type { RequestLogLine } from '../logging/recent-requests.js';
import { adminRequest, adminTarget, type AdminTarget } from './admin-client.js';
import { type CliIo, parseFlags, UsageError } from './io.js';
import { formatTable } from './table.js';

interface Resource {
  /** Admin API endpoint, which answers `{ <endpoint>: [...] }`. */
  endpoint: string;
  table(items: unknown[]): string;
}

const RESOURCES: Record<string, Resource> = {
  flows: { endpoint: 'flows', table: (items) => flowsTable(items as FlowView[]) },
  agents: { endpoint: 'agents', table: (items) => agentsTable(items as AgentView[]) },
  approvals: { endpoint: 'approvals', table: (items) => approvalsTable(items as ApprovalView[]) },
  requests: { endpoint: 'requests', table: (items) => requestsTable(items as RequestLogLine[]) },
};

/** `aofctl get flows|agents|approvals|requests --server URL`: what a running daemon has, from its admin API. */
export async function getCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    server: { type: 'string' },
    token: { type: 'string' },
    output: { type: 'string', short: 'o', default: 'table' },
  }, true);
  const name = positionals[0];
  const resource = name === undefined ? undefined : RESOURCES[name];
  if (resource === undefined || positionals.length !== 1) throw new UsageError(`aofctl get takes one of: ${Object.keys(RESOURCES).join(', ')}`);
  if (!values.server) throw new UsageError('--server URL is required (the daemon with the admin API enabled)');
  if (values.output !== 'table' && values.output !== 'json') throw new UsageError('--output must be table or json');

  const target: AdminTarget = adminTarget(values.server, values.token, io);
  const answer = await adminRequest<Record<string, unknown[]>>(target, 'GET', resource.endpoint);
  const items = answer[resource.endpoint] ?? [];
  io.out(values.output === 'json' ? JSON.stringify(items, null, 2) : resource.table(items));
  return 0;
}

function flowsTable(flows: FlowView[]): string {
  return formatTable(['NAME', 'STATUS', 'PLATFORM', 'ORGANIZATION', 'AGENTS', 'SOURCE'], flows.map((flow) => [
    flow.name,
    flow.active ? 'active' : `inactive: ${flow.inactive_reason ?? 'unknown reason'}`,
    flow.platform ?? 'any',
    flow.organization ?? '-',
    flow.agents.join(','),
    flow.source,
  ]));
}

function agentsTable(agents: AgentView[]): string {
  return formatTable(['NAME', 'MODEL', 'TOOLS', 'SOURCE'], agents.map((agent) => [agent.name, agent.model, agent.tools.join(',') || '-', agent.source]));
}

/** The approval service's records: `requester` is an identity ({user, name, ...}), `expiresAt` epoch ms. */
function approvalsTable(approvals: ApprovalView[]): string {
  const text = (value: unknown): string => (typeof value === 'string' && value !== '' ? value : '-');
  const who = (value: unknown): string => {
    if (typeof value !== 'object' || value === null) return text(value);
    const identity = value as { user?: unknown; name?: unknown };
    return text(identity.name) === '-' ? text(identity.user) : text(identity.name);
  };
  const when = (value: unknown): string => (typeof value === 'number' ? new Date(value).toISOString() : '-');
  return formatTable(['ID', 'FLOW', 'STATUS', 'REQUESTED BY', 'EXPIRES', 'COMMAND'], approvals.map(({ id, record }) => [
    id, text(record.flow), text(record.status), who(record.requester), when(record.expiresAt), text(record.command),
  ]));
}

function requestsTable(lines: RequestLogLine[]): string {
  const cell = (value: unknown): string => (value === null || value === undefined ? '-' : String(value));
  return formatTable(['TIME', 'FLOW', 'AGENT', 'USER', 'STATUS', 'LATENCY MS', 'ACTION'], lines.map((line) => [
    cell(line.timestamp), cell(line.flow), cell(line.agent), cell(line.user), cell(line.status), cell(line.latency_ms), cell(line.action),
  ]));
}
