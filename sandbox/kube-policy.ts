/**
 * Argv policy for Kubernetes CLIs (kubectl, helm): verb allowlist, namespace allowlist, and the
 * flags that would point the command at another cluster, identity or kubeconfig than the flow's.
 * Parsing follows pflag, which both CLIs use, so a flag cannot hide from the check: `--a=b` and
 * `--a b`, `-nx`, `-n=x` and combined shorthands (`-itn x`), `_` read as `-` (kubectl normalizes
 * it), and nothing after `--` (that belongs to the remote command, as in `kubectl exec`).
 */
import { readStringArray } from '@aof/api';

export interface KubeCliRules {
  binary: string;
  /** Long flags (without `--`) that escape the flow's context. */
  escapingFlags: ReadonlySet<string>;
  /** Shorthand letters that escape the flow's context (`-s` is kubectl's --server). */
  escapingShorthands: string;
  /** Shorthand letters that take a value: the rest of a combined token, or the next argument. */
  valueShorthands: string;
  /** Long flags that take a value; knowing them keeps `--output json get` from reading `json` as the verb. */
  valueFlags: ReadonlySet<string>;
  /** Verbs refused unless `allowed_commands` names them, because they can rewrite or reveal credentials. */
  guardedVerbs: Readonly<Record<string, string>>;
}

export const KUBECTL_RULES: KubeCliRules = {
  binary: 'kubectl',
  escapingFlags: new Set([
    'kubeconfig', 'context', 'cluster', 'server', 'token', 'as', 'as-group', 'as-uid', 'user', 'username', 'password',
    'certificate-authority', 'client-key', 'client-certificate', 'insecure-skip-tls-verify',
  ]),
  escapingShorthands: 's',
  valueShorthands: 'olcvL',
  valueFlags: new Set([
    'output', 'selector', 'field-selector', 'container', 'filename', 'request-timeout', 'v', 'vmodule', 'cache-dir',
    'tls-server-name', 'log-dir', 'log-file', 'profile', 'profile-output', 'template',
  ]),
  guardedVerbs: {
    config: 'it can switch the flow\'s context or print its credentials',
    cp: 'it reads and writes files on the daemon host',
    proxy: 'it serves the cluster API with the flow\'s credentials on the daemon host',
  },
};

export const HELM_RULES: KubeCliRules = {
  binary: 'helm',
  escapingFlags: new Set([
    'kube-context', 'kubeconfig', 'kube-token', 'kube-apiserver', 'kube-as-user', 'kube-as-group', 'kube-ca-file',
    'kube-insecure-skip-tls-verify', 'post-renderer',
  ]),
  escapingShorthands: '',
  valueShorthands: 'of',
  valueFlags: new Set(['output', 'values', 'set', 'set-string', 'set-file', 'version', 'repo', 'registry-config', 'repository-config']),
  guardedVerbs: { plugin: 'it installs and runs arbitrary code' },
};

export type PolicyDecision = { allowed: true } | { allowed: false; reason: string };

interface ParsedArgv {
  positionals: string[];
  namespaces: Array<string | undefined>;
  allNamespaces: boolean;
  escapes: string[];
}

function parseArgv(argv: readonly string[], rules: KubeCliRules): ParsedArgv {
  const parsed: ParsedArgv = { positionals: [], namespaces: [], allNamespaces: false, escapes: [] };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (token === '--') break;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const name = (eq === -1 ? token.slice(2) : token.slice(2, eq)).replaceAll('_', '-');
      const inline = eq === -1 ? undefined : token.slice(eq + 1);
      if (rules.escapingFlags.has(name)) parsed.escapes.push(`--${name}`);
      else if (name === 'namespace') parsed.namespaces.push(inline ?? argv[++i]);
      else if (name === 'all-namespaces') parsed.allNamespaces ||= inline !== 'false';
      else if (rules.valueFlags.has(name) && inline === undefined) i++;
      continue;
    }
    if (token.startsWith('-') && token.length > 1) {
      i = parseShorthands(token, argv, i, rules, parsed);
      continue;
    }
    parsed.positionals.push(token);
  }
  return parsed;
}

/** Walks a combined shorthand token (`-itn`, `-nkube-system`, `-ojson`); returns the index of the last argument consumed. */
function parseShorthands(token: string, argv: readonly string[], index: number, rules: KubeCliRules, parsed: ParsedArgv): number {
  for (let j = 1; j < token.length; j++) {
    const letter = token[j] ?? '';
    const rest = token.slice(j + 1);
    if (rules.escapingShorthands.includes(letter)) {
      parsed.escapes.push(`-${letter}`);
      return index;
    }
    if (letter === 'n') {
      if (rest !== '') {
        parsed.namespaces.push(rest.startsWith('=') ? rest.slice(1) : rest);
        return index;
      }
      parsed.namespaces.push(argv[index + 1]);
      return index + 1;
    }
    if (letter === 'A') parsed.allNamespaces = true;
    else if (rules.valueShorthands.includes(letter)) return rest === '' ? index + 1 : index;
    // Any other letter is read as a boolean and the scan goes on: unknown letters can only make it stricter.
  }
  return index;
}

/** A configured list; null when the config holds something else (fail closed). */
function readList(value: unknown): string[] | undefined | null {
  return value === undefined ? undefined : readStringArray(value) ?? null;
}

/** Checks one call's argv (what follows the binary name) against the tool's `tool_config` entry. */
export function checkKubeArgv(rules: KubeCliRules, argv: readonly string[], config: Record<string, unknown>): PolicyDecision {
  const commands = readList(config.allowed_commands);
  const namespaces = readList(config.allowed_namespaces);
  if (commands === null || namespaces === null) {
    return { allowed: false, reason: `tool_config.${rules.binary}: allowed_commands and allowed_namespaces must be lists of strings` };
  }
  const parsed = parseArgv(argv, rules);

  const escape = parsed.escapes[0];
  if (escape !== undefined) {
    return { allowed: false, reason: `${rules.binary} flag ${escape} is not allowed: it would leave the flow's cluster context` };
  }
  const verb = parsed.positionals[0];
  if (commands !== undefined && !commands.some((entry) => startsWithWords(parsed.positionals, entry))) {
    const shown = verb === undefined ? 'a call without a command' : `"${rules.binary} ${verb}"`;
    return { allowed: false, reason: `${shown} is not allowed; allowed commands: ${commands.join(', ') || '(none)'}` };
  }
  // With an allowlist, reaching here means the operator listed the verb; without one, guarded verbs stay off.
  const guard = verb === undefined ? undefined : rules.guardedVerbs[verb];
  if (commands === undefined && guard !== undefined) {
    return { allowed: false, reason: `"${rules.binary} ${verb}" is refused unless allowed_commands lists it: ${guard}` };
  }
  if (parsed.namespaces.includes(undefined)) return { allowed: false, reason: `--namespace needs a value` };
  if (namespaces !== undefined) {
    if (parsed.allNamespaces) {
      return { allowed: false, reason: `--all-namespaces is not allowed; allowed namespaces: ${namespaces.join(', ')}` };
    }
    const outside = parsed.namespaces.find((ns) => ns !== undefined && !namespaces.includes(ns));
    if (outside !== undefined) {
      return { allowed: false, reason: `namespace "${outside}" is not allowed; allowed namespaces: ${namespaces.join(', ')}` };
    }
  }
  return { allowed: true };
}

/** `rollout status` matches positionals starting with `rollout`, `status`. */
function startsWithWords(positionals: readonly string[], entry: string): boolean {
  const words = entry.trim().split(/\s+/);
  return words.length > 0 && words.every((word, i) => positionals[i] === word);
}
