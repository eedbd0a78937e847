/**
 * Argv policy for Kubernetes CLIs (kubectl, helm): verb allowlist, namespace allowlist, and the
 * flags that would point the command at another cluster, identity or kubeconfig than the flow's,
 * or at files on the daemon host. The argv is read as the approval check reads it
 * (approval-command.ts: pflag's parse, `--a=b` and `--a b`, `-nx`, `-n=x`, combined shorthands,
 * `_` read as `-`, nothing after `--`), and a flag the grammar does not know is read both as a
 * boolean and as taking the next argument: kubectl's own parse before the command assumes the
 * latter, so `kubectl --raw get delete ...` is a delete. A call is allowed only when every
 * reading of it is.
 */
import { readStringArray } from '@aof/api';
import { readArgv, type CommandReading } from './approval-command.js';

export interface KubeCliRules {
  binary: string;
  /** Long flags (without `--`) that escape the flow's context. */
  escapingFlags: ReadonlySet<string>;
  /** Long flags whose value is a path on the daemon host (read or written), with why; refused. */
  hostFileFlags: Readonly<Record<string, string>>;
  /** Among those, the ones that may name an http(s) URL instead (`-f https://...`). */
  urlFlags: ReadonlySet<string>;
  /**
   * Shorthands the grammar leaves unknown because their meaning depends on the command, read as
   * a long flag except under the listed verbs (kubectl's `-f` is --filename, but --follow in `logs`).
   */
  verbShorthands?: Readonly<Record<string, { name: string; except: readonly string[] }>>;
  /** `--output` formats that read a template from a file on the daemon host. */
  fileOutputFormats?: RegExp;
  /** Verbs refused unless `allowed_commands` names them, because they can rewrite or reveal credentials or host files. */
  guardedVerbs: Readonly<Record<string, string>>;
}

const READS = 'it reads a file on the daemon host';
const WRITES = 'it writes files on the daemon host';

export const KUBECTL_RULES: KubeCliRules = {
  binary: 'kubectl',
  escapingFlags: new Set([
    'kubeconfig', 'context', 'cluster', 'server', 'token', 'as', 'as-group', 'as-uid', 'user', 'username', 'password',
    'certificate-authority', 'client-key', 'client-certificate', 'insecure-skip-tls-verify', 'kuberc',
  ]),
  hostFileFlags: {
    filename: READS, kustomize: READS, 'from-file': READS, 'from-env-file': READS, 'patch-file': READS,
    profile: WRITES, 'profile-output': WRITES, 'cache-dir': WRITES, 'log-dir': WRITES, 'log-file': WRITES, 'output-directory': WRITES,
  },
  urlFlags: new Set(['filename', 'kustomize']),
  verbShorthands: { f: { name: 'filename', except: ['logs'] } },
  fileOutputFormats: /^(go-template-file|templatefile|jsonpath-file|custom-columns-file)(=|$)/i,
  guardedVerbs: {
    config: 'it can switch the flow\'s context or print its credentials',
    cp: 'it reads and writes files on the daemon host',
    kustomize: 'it reads files on the daemon host',
    proxy: 'it serves the cluster API with the flow\'s credentials on the daemon host',
  },
};

export const HELM_RULES: KubeCliRules = {
  binary: 'helm',
  escapingFlags: new Set([
    'kube-context', 'kubeconfig', 'kube-token', 'kube-apiserver', 'kube-as-user', 'kube-as-group', 'kube-ca-file',
    'kube-insecure-skip-tls-verify', 'post-renderer',
  ]),
  hostFileFlags: {
    values: READS, 'set-file': READS, 'ca-file': READS, 'cert-file': READS, 'key-file': READS, keyring: READS,
    'repository-config': READS, 'registry-config': READS, 'repository-cache': WRITES, 'output-dir': WRITES,
    untardir: WRITES, destination: WRITES,
  },
  urlFlags: new Set(['values']),
  guardedVerbs: {
    plugin: 'it installs and runs arbitrary code',
    repo: 'it changes the chart repositories every flow\'s helm reads on the daemon host',
    registry: 'it stores registry credentials on the daemon host',
    pull: WRITES,
    package: WRITES,
    push: 'it uploads files from the daemon host',
  },
};

export type PolicyDecision = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: PolicyDecision = { allowed: true };

interface Limits {
  commands: string[][] | undefined;
  namespaces: string[] | undefined;
  /** The namespace the tool adds when a call names none (the flow's `context.namespace`). */
  defaultNamespace: string | undefined;
}

/** A configured list; null when the config holds something else (fail closed). */
function readList(value: unknown): string[] | undefined | null {
  return value === undefined ? undefined : readStringArray(value) ?? null;
}

/**
 * Checks one call's argv (what follows the binary name) against the tool's `tool_config` entry.
 * `defaultNamespace` is what the tool adds when the call names none; a shell running the CLI adds
 * nothing, so the kubeconfig's own namespace applies and the call must name one.
 */
export function checkKubeArgv(rules: KubeCliRules, argv: readonly string[], config: Record<string, unknown>, defaultNamespace?: string): PolicyDecision {
  const commands = readList(config.allowed_commands);
  const namespaces = readList(config.allowed_namespaces);
  if (commands === null || namespaces === null) {
    return { allowed: false, reason: `tool_config.${rules.binary}: allowed_commands and allowed_namespaces must be lists of strings` };
  }
  const { readings, overflow } = readArgv(rules.binary, argv);
  if (overflow) return { allowed: false, reason: `this ${rules.binary} command line has too many possible readings to check; write flags as --flag=value` };
  const limits: Limits = {
    commands: commands?.map((entry) => readArgv(rules.binary, entry.trim().split(/\s+/)).readings[0]?.positionals ?? []),
    namespaces,
    defaultNamespace: defaultNamespace === '' ? undefined : defaultNamespace,
  };
  for (const reading of readings) {
    const decision = checkReading(rules, reading, limits, commands ?? []);
    if (!decision.allowed) return decision;
  }
  return ALLOWED;
}

function checkReading(rules: KubeCliRules, reading: CommandReading, limits: Limits, commandNames: readonly string[]): PolicyDecision {
  const refuse = (reason: string): PolicyDecision => ({ allowed: false, reason });
  const verb = reading.positionals[0];
  for (const [written, value] of reading.flags) {
    const meaning = rules.verbShorthands?.[written];
    const name = meaning !== undefined && !meaning.except.includes(verb ?? '') ? meaning.name : written;
    const flag = name.length === 1 ? `-${name}` : `--${name}`;
    if (rules.escapingFlags.has(name)) return refuse(`${rules.binary} flag ${flag} is not allowed: it would leave the flow's cluster context`);
    const hostFile = rules.hostFileFlags[name];
    // Without a value (the flag read as a boolean, or last on the line) it names no file.
    if (hostFile !== undefined && value !== undefined && !(rules.urlFlags.has(name) && /^https?:\/\//i.test(value))) {
      return refuse(`${rules.binary} flag ${flag} is not allowed: ${hostFile}${rules.urlFlags.has(name) ? ' (an http(s) URL is)' : ''}`);
    }
    if (name === 'output' && value !== undefined && rules.fileOutputFormats?.test(value)) {
      return refuse(`${rules.binary} output format "${value.split('=')[0]}" is not allowed: ${READS}`);
    }
  }
  const { commands, namespaces } = limits;
  if (commands !== undefined && !commands.some((words) => words.length > 0 && words.every((word, i) => reading.positionals[i] === word))) {
    const shown = verb === undefined ? 'a call without a command' : `"${rules.binary} ${verb}"`;
    return refuse(`${shown} is not allowed; allowed commands: ${commandNames.join(', ') || '(none)'}`);
  }
  // With an allowlist, reaching here means the operator listed the verb; without one, guarded verbs stay off.
  const guard = verb === undefined ? undefined : rules.guardedVerbs[verb];
  if (commands === undefined && guard !== undefined) return refuse(`"${rules.binary} ${verb}" is refused unless allowed_commands lists it: ${guard}`);
  const named = reading.flags.filter(([name]) => name === 'namespace').map(([, value]) => value);
  if (named.includes(undefined)) return refuse('--namespace needs a value');
  if (namespaces === undefined) return ALLOWED;
  const allowedList = `allowed namespaces: ${namespaces.join(', ')}`;
  if (reading.flags.some(([name, value]) => name === 'all-namespaces' && value !== 'false')) return refuse(`--all-namespaces is not allowed; ${allowedList}`);
  if (reading.flags.some(([name]) => name === 'raw')) return refuse(`--raw is not allowed with allowed_namespaces: its path is not checked against them`);
  const effective = named.length > 0 ? named as string[] : limits.defaultNamespace === undefined ? [] : [limits.defaultNamespace];
  if (effective.length === 0) return refuse(`name the namespace (-n): this call would run in the kubeconfig's default namespace; ${allowedList}`);
  const outside = effective.find((ns) => !namespaces.includes(ns));
  return outside === undefined ? ALLOWED : refuse(`namespace "${outside}" is not allowed; ${allowedList}`);
}
