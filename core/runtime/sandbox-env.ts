/**
 * What a flow's sandbox may see and reach. The env built here is the worker's whole
 * `process.env` and every tool process's whole environment: platform tokens, signing secrets
 * and model API keys live only in the daemon's env and never get in.
 */
import type { LoadedFlow, ToolDescriptor } from '@aof/api';
import type { SandboxPermissions } from './executor.js';

/** The only daemon variables a sandbox inherits: enough to find binaries, format output and reach a proxy. */
export const DAEMON_ENV_ALLOWLIST: readonly string[] = [
  'PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
];

export type DaemonEnv = Readonly<Record<string, string | undefined>>;

/**
 * The allowlisted daemon variables, then the flow's `context.env` (a flow may set its own PATH
 * or proxy), then the variables the kernel owns, last so a flow cannot spoof them.
 */
export function sandboxEnv(flow: LoadedFlow, daemonEnv: DaemonEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of DAEMON_ENV_ALLOWLIST) {
    const value = daemonEnv[key];
    if (value !== undefined) env[key] = value;
  }
  const context = flow.flow.spec.context ?? {};
  for (const [key, value] of Object.entries(context.env ?? {})) {
    if (value !== undefined && value !== null) env[key] = String(value);
  }
  if (context.kubeconfig !== undefined && context.kubeconfig !== '') env.KUBECONFIG = context.kubeconfig;
  env.AOF_FLOW = flow.flow.metadata.name;
  if (context.namespace !== undefined && context.namespace !== '') env.AOF_NAMESPACE = context.namespace;
  if (context.cluster_name !== undefined && context.cluster_name !== '') env.AOF_CLUSTER_NAME = context.cluster_name;
  return env;
}

/** What one agent of the flow needs from the OS, after the flow narrowed its tools. */
export interface AgentReach {
  tools: readonly string[];
  toolConfig: Readonly<Record<string, Record<string, unknown>>>;
  baseUrl?: string;
}

/**
 * Permissions for runtimes that enforce them (Deno): the binaries of the tools the flow's agents
 * may call, the hosts of their model base URLs and http allowlists, and the env keys. Sorted, so
 * equal permissions compare equal and land in the same pool.
 */
export function sandboxPermissions(reaches: readonly AgentReach[], descriptors: readonly ToolDescriptor[], env: Readonly<Record<string, string>>): SandboxPermissions {
  const run = new Set<string>();
  const net = new Set<string>();
  for (const reach of reaches) {
    for (const descriptor of descriptors) {
      if (reach.tools.includes(descriptor.name)) for (const binary of descriptor.binaries ?? []) run.add(binary);
    }
    const host = reach.baseUrl === undefined ? undefined : urlHost(reach.baseUrl);
    if (host !== undefined) net.add(host);
    // The shell tool runs whatever its allowlist names, so those binaries are its reach too.
    if (reach.tools.includes('shell')) {
      const allowed = reach.toolConfig.shell?.allowed_binaries;
      if (Array.isArray(allowed)) for (const entry of allowed) if (typeof entry === 'string' && entry !== '') run.add(entry);
    }
    if (reach.tools.includes('http')) {
      const allowed = reach.toolConfig.http?.allowed_hosts;
      if (Array.isArray(allowed)) for (const entry of allowed) if (typeof entry === 'string' && entry !== '') net.add(entry.toLowerCase());
    }
  }
  return { run: [...run].sort(), net: [...net].sort(), env: Object.keys(env).sort() };
}

function urlHost(url: string): string | undefined {
  return URL.canParse(url) ? new URL(url).host.toLowerCase() : undefined;
}
