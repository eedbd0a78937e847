/**
 * The sandbox's check on every tool call, before anything runs. Pure: the same function serves
 * the agent loop now and the approval work later. Rules are keyed by tool name, so whichever
 * plugin provides `kubectl`, the flow's kubectl policy applies to it.
 */
import { readStringArray } from '@aof/api';
import { checkKubeArgv, HELM_RULES, KUBECTL_RULES, type KubeCliRules, type PolicyDecision } from './kube-policy.js';

export type { PolicyDecision } from './kube-policy.js';

export interface ToolCallPolicyInput {
  tool: string;
  args: Record<string, unknown>;
  /** The agent's tools after the flow narrowed them. */
  allowedTools: readonly string[];
  toolConfig: Readonly<Record<string, Record<string, unknown>>>;
  /** The flow's `context.namespace`: what the kubectl and helm tools add when a call names none. */
  namespace?: string;
}

const KUBE_CLIS: Readonly<Record<string, KubeCliRules>> = { kubectl: KUBECTL_RULES, helm: HELM_RULES };

export function checkToolCall(input: ToolCallPolicyInput): PolicyDecision {
  const { tool, args, allowedTools, toolConfig, namespace } = input;
  if (!allowedTools.includes(tool)) {
    return { allowed: false, reason: `tool "${tool}" is not allowed for this agent; allowed tools: ${allowedTools.join(', ') || '(none)'}` };
  }
  const config = toolConfig[tool] ?? {};
  const kube = KUBE_CLIS[tool];
  if (kube !== undefined) {
    const argv = readStringArray(args.args);
    if (argv === undefined) return { allowed: false, reason: `${tool} needs "args": a list of strings` };
    return checkKubeArgv(kube, argv, config, namespace);
  }
  if (tool === 'shell') return checkShell(args, config, toolConfig);
  if (tool === 'http') return checkHttp(args, config);
  return { allowed: true };
}

/**
 * Only binaries the flow lists, matched exactly (so `/tmp/kubectl` is not `kubectl`). A listed
 * kubectl or helm still gets its own tool's policy (its `tool_config` even when the agent's tools
 * were narrowed to `shell`): the shell tool is not a way around it. The shell adds no default
 * namespace, so with `allowed_namespaces` such a call must name one.
 */
function checkShell(
  args: Record<string, unknown>,
  config: Record<string, unknown>,
  toolConfig: Readonly<Record<string, Record<string, unknown>>>,
): PolicyDecision {
  const argv = readStringArray(args.argv);
  const binary = argv?.[0];
  if (argv === undefined || binary === undefined) return { allowed: false, reason: 'shell needs "argv": a non-empty list of strings' };
  const allowed = readStringArray(config.allowed_binaries) ?? [];
  if (!allowed.includes(binary)) {
    return { allowed: false, reason: `binary "${binary}" is not allowed; allowed binaries: ${allowed.join(', ') || '(none)'}` };
  }
  const kube = KUBE_CLIS[binary.slice(binary.lastIndexOf('/') + 1)];
  return kube === undefined ? { allowed: true } : checkKubeArgv(kube, argv.slice(1), toolConfig[kube.binary] ?? {});
}

function checkHttp(args: Record<string, unknown>, config: Record<string, unknown>): PolicyDecision {
  if (typeof args.url !== 'string' || !URL.canParse(args.url)) return { allowed: false, reason: 'http needs "url": an absolute URL' };
  const url = new URL(args.url);
  const allowed = readStringArray(config.allowed_hosts) ?? [];
  if (!isAllowedUrl(url, allowed)) {
    return { allowed: false, reason: `host "${url.host}" is not allowed; allowed hosts: ${allowed.join(', ') || '(none)'}` };
  }
  return { allowed: true };
}

/**
 * http(s) only; an entry is a hostname (`api.example.com`, any port), a `host:port`, or
 * `*.example.com` for its subdomains. Kept in step with the http tool's own copy.
 */
function isAllowedUrl(url: URL, allowedHosts: readonly string[]): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const hostname = url.hostname.toLowerCase();
  const host = url.host.toLowerCase();
  return allowedHosts.some((raw) => {
    const entry = raw.toLowerCase();
    if (entry.startsWith('*.')) return hostname.endsWith(entry.slice(1));
    return entry === hostname || entry === host;
  });
}
