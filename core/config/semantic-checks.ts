import { ErrorCode } from '@aof/api';
import { channelNameKey } from '../router/names.js';
import { flowPlatform } from './platforms.js';
import { problemAt, type ConfigProblem } from './problems.js';
import type { AgentDocument, FlowDocument } from './read-resources.js';
import type { YamlDocument } from './yaml-documents.js';
import type { YamlPath } from './yaml-paths.js';

export interface CrossCheckInput {
  flows: FlowDocument[];
  agents: AgentDocument[];
  /** Off when checking loose flow files whose agents live elsewhere. */
  checkAgentReferences: boolean;
  defaultAgent?: { name: string; yaml: YamlDocument; path: YamlPath };
}

export interface CrossCheckResult {
  flows: FlowDocument[];
  agents: AgentDocument[];
  problems: ConfigProblem[];
}

/**
 * Checks across documents. A flow or agent that fails one is left out, so the rest still serve:
 * the second of two same-named resources (the first in load order wins), and a flow naming an
 * agent that does not exist.
 */
export function crossCheck(input: CrossCheckInput): CrossCheckResult {
  const problems: ConfigProblem[] = [];
  const agents = dropDuplicates(input.agents, (a) => a.agent.metadata.name, 'agent', problems);
  let flows = dropDuplicates(input.flows, (f) => f.flow.metadata.name, 'flow', problems);
  const agentNames = new Set(agents.map((a) => a.agent.metadata.name));
  const known = agentNames.size > 0 ? `known agents: ${[...agentNames].sort().join(', ')}` : 'no agents are loaded';

  if (input.checkAgentReferences) {
    flows = flows.filter((f) => {
      const unknown = f.flow.spec.agents.map((ref, i) => [ref.name, i] as const).filter(([name]) => !agentNames.has(name));
      for (const [name, i] of unknown) {
        problems.push(problemAt(f.yaml)('error', ErrorCode.CONFIG_UNKNOWN_AGENT, ['spec', 'agents', i, 'name'], `flow ${f.flow.metadata.name} names agent "${name}", which does not exist (${known})`));
      }
      return unknown.length === 0;
    });
  }
  const fallback = input.defaultAgent;
  if (fallback && !agentNames.has(fallback.name)) {
    problems.push(problemAt(fallback.yaml)('error', ErrorCode.CONFIG_UNKNOWN_AGENT, fallback.path, `default agent "${fallback.name}" does not exist (${known})`));
  }
  problems.push(...mixedEnvironments(flows));
  problems.push(...flows.flatMap(unapprovableChains));
  return { flows, agents, problems };
}

function dropDuplicates<T extends { yaml: YamlDocument }>(items: T[], nameOf: (item: T) => string, what: string, problems: ConfigProblem[]): T[] {
  const first = new Map<string, T>();
  return items.filter((item) => {
    const name = nameOf(item);
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, item);
      return true;
    }
    const where = earlier.yaml.file === item.yaml.file ? `earlier in ${item.yaml.file}` : `in ${earlier.yaml.file}`;
    problems.push(problemAt(item.yaml)('error', ErrorCode.CONFIG_DUPLICATE, ['metadata', 'name'], `${what} ${name} is already defined ${where} (document ${earlier.yaml.index + 1}); this one is ignored`));
    return false;
  });
}

/**
 * The seed's "never mix production and staging": one channel served by flows of two different
 * `environment` labels means a message there may act on the wrong cluster. Channels on different
 * platforms are different channels, so only flows that can share a platform are compared.
 */
function mixedEnvironments(flows: FlowDocument[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, { flow: FlowDocument; environment: string; platform: string | undefined }[]>();
  for (const flow of flows) {
    const environment = flow.flow.metadata.labels?.environment;
    if (environment === undefined) continue;
    const platform = flowPlatform(flow.flow);
    const config = flow.flow.spec.trigger?.config;
    const lists = [['channels', config?.channels], ['chats', config?.chats]] as const;
    for (const [field, list] of lists) {
      list?.forEach((channel, i) => {
        const key = channelNameKey(channel);
        if (key === '*') return;
        const earlier = seen.get(key) ?? [];
        const clash = earlier.find((e) => e.environment !== environment && (e.platform === undefined || platform === undefined || e.platform === platform));
        if (clash) {
          const message = `channel "${channel}" is also served by flow ${clash.flow.flow.metadata.name} (environment ${clash.environment}, ${clash.flow.yaml.file}); ` +
            `this flow is environment ${environment}: never mix environments on one channel`;
          problems.push(problemAt(flow.yaml)('warning', ErrorCode.CONFIG_INVALID, ['spec', 'trigger', 'config', field, i], message));
        }
        seen.set(key, [...earlier, { flow, environment, platform }]);
      });
    }
  }
  return problems;
}

/**
 * A chain nobody could ever satisfy: every request comes from one of the flow's listed users
 * (`trigger.config.users`), and without `self_approval` a requester does not count, so when the
 * other approvers are too few for every requester, no request can be approved.
 */
function unapprovableChains(flow: FlowDocument): ConfigProblem[] {
  const { trigger, approval } = flow.flow.spec;
  const requesters = trigger?.config?.users;
  if (requesters === undefined || requesters.length === 0 || requesters.includes('*') || approval === undefined || approval.self_approval === true) return [];
  const chains: Array<{ path: YamlPath; name: string; approvers: string[]; require: number }> = [];
  if (approval.allowed_users !== undefined && approval.allowed_users.length > 0) {
    chains.push({ path: ['spec', 'approval', 'allowed_users'], name: 'allowed_users', approvers: approval.allowed_users, require: 1 });
  }
  approval.chains?.forEach((chain, i) => chains.push({ path: ['spec', 'approval', 'chains', i], ...chain }));
  // A qualified approver (`slack:T1:U1`) is compared by its user id, as trigger users are written.
  const userOf = (entry: string): string => entry.slice(entry.lastIndexOf(':') + 1);
  return chains.filter(({ approvers, require }) => {
    const distinct = new Set(approvers.map(userOf));
    return requesters.every((requester) => [...distinct].filter((user) => user !== requester).length < require);
  }).map(({ path, name, require }) => problemAt(flow.yaml)('warning', ErrorCode.CONFIG_INVALID, path,
    `approval chain ${name}: its approvers are also the flow's only requesters (trigger.config.users) and self_approval is not set, ` +
    `so no request could ever get ${require} approval(s); set approval.self_approval: true or add approvers`));
}
