import { ErrorCode, type Agent, type AgentFlow } from '@aof/api';
import { patternError } from '../router/pattern.js';
import { problemAt, type ConfigProblem } from './problems.js';
import { loadSchema } from './schemas.js';
import type { ValueRedactor } from './secrets.js';
import { closestName } from './suggest.js';
import { triggerConfigOf } from './trigger-env.js';
import type { YamlDocument } from './yaml-documents.js';
import type { YamlPath } from './yaml-paths.js';

/**
 * What the schema cannot check in a flow: its patterns compile (RE2), its approval rules name
 * chains that exist and can be satisfied. Also warns about trigger.config keys that look like a
 * misspelt filter: platform options pass through unchecked, so `chanels:` would silently turn a
 * scoped flow into a catch-all.
 */
export function checkFlowDocument(flow: AgentFlow, yaml: YamlDocument, redactor: ValueRedactor): ConfigProblem[] {
  const at = problemAt(yaml);
  const problems: ConfigProblem[] = [];
  const spec = flow.spec;

  const patterns: Array<[YamlPath, string]> = [];
  spec.trigger?.config?.patterns?.forEach((p, i) => patterns.push([['spec', 'trigger', 'config', 'patterns', i], p]));
  spec.agents.forEach((agent, a) => agent.patterns?.forEach((p, i) => patterns.push([['spec', 'agents', a, 'patterns', i], p])));
  spec.approval?.rules?.forEach((rule, i) => patterns.push([['spec', 'approval', 'rules', i, 'pattern'], rule.pattern]));
  for (const [path, source] of patterns) {
    const error = patternError(source);
    if (error !== undefined) {
      problems.push(at('error', ErrorCode.PATTERN_INVALID, path, redactor.isHidden(path) ? 'pattern does not compile (value not shown)' : error));
    }
  }

  const chains = new Set<string>();
  spec.approval?.chains?.forEach((chain, i) => {
    if (chains.has(chain.name)) problems.push(at('error', ErrorCode.CONFIG_DUPLICATE, ['spec', 'approval', 'chains', i, 'name'], `approval chain "${chain.name}" is defined twice`));
    chains.add(chain.name);
    const distinct = new Set(chain.approvers).size;
    if (chain.require > distinct) {
      problems.push(at('error', ErrorCode.CONFIG_INVALID, ['spec', 'approval', 'chains', i, 'require'], `require ${chain.require} approvals but the chain has ${distinct} distinct approver(s)`));
    }
  });
  spec.approval?.rules?.forEach((rule, i) => {
    if (!chains.has(rule.chain)) {
      const known = chains.size > 0 ? `known chains: ${[...chains].join(', ')}` : 'spec.approval.chains is empty';
      problems.push(at('error', ErrorCode.CONFIG_INVALID, ['spec', 'approval', 'rules', i, 'chain'], `no approval chain named "${rule.chain}" (${known})`));
    }
  });

  return problems;
}

/**
 * Likely typos among a flow's trigger options (`channelz:`), from the data as written: reported
 * with the schema's errors too, not only once the rest of the file is valid.
 */
export function triggerConfigTypos(data: unknown, yaml: YamlDocument): ConfigProblem[] {
  const config = triggerConfigOf(data);
  return config === undefined ? [] : likelyTypos(yaml, config, ['spec', 'trigger', 'config'], triggerConfigKeys());
}

/** `instructions` is an alias: fill system_prompt from it so consumers read one field. */
export function checkAgentDocument(agent: Agent, yaml: YamlDocument): ConfigProblem[] {
  const spec = agent.spec;
  if (spec.instructions === undefined) return [];
  if (spec.system_prompt === undefined) {
    spec.system_prompt = spec.instructions;
    return [];
  }
  if (spec.system_prompt === spec.instructions) return [];
  return [problemAt(yaml)('warning', ErrorCode.CONFIG_INVALID, ['spec', 'instructions'], 'both system_prompt and its alias instructions are set; instructions is ignored')];
}

/** Keys of an open map (platform options) that are one typo away from a key that matters. */
export function likelyTypos(yaml: YamlDocument, map: object | undefined, base: YamlPath, known: readonly string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(map ?? {})) {
    if (known.includes(key)) continue;
    const suggestion = closestName(key, known);
    if (suggestion !== undefined) {
      problems.push(problemAt(yaml, 'key')('warning', ErrorCode.CONFIG_INVALID, [...base, key], `"${key}" is not a known field (did you mean "${suggestion}"?); it is passed to the platform plugin as it is`));
    }
  }
  return problems;
}

let triggerKeys: string[] | undefined;

function triggerConfigKeys(): string[] {
  triggerKeys ??= Object.keys((loadSchema('AgentFlow').definitions?.triggerConfig as { properties?: object } | undefined)?.properties ?? {});
  return triggerKeys;
}
