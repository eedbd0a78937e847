/**
 * The built-in destructive-command classifier, for flows that ask for approval of "destructive"
 * commands without listing them. Four levels; anything it does not know is `write`, so a new
 * verb or an unknown tool needs approval rather than slipping through as a read.
 */
import type { CommandReading, NormalizedCommand } from './approval-command.js';
import type { CommandClass } from './protocol.js';

const SEVERITY: Readonly<Record<CommandClass, number>> = { read: 0, write: 1, delete: 2, dangerous: 3 };

const verbs = (text: string): ReadonlySet<string> => new Set(text.trim().split(/\s+/));

const KUBECTL_READ = verbs(`get describe logs top explain api-resources api-versions version cluster-info diff events
  wait completion`);
const KUBECTL_DELETE = verbs('delete drain');
const KUBECTL_DANGEROUS = verbs('exec attach port-forward proxy cp debug config');
/** Deleting one of these takes everything in it (or the cluster's ability to run it) along. */
const CLUSTER_WIDE_TYPES = verbs(`namespace node persistentvolume customresourcedefinition clusterrole clusterrolebinding
  storageclass all`);

const HELM_READ = verbs('list status get history show search template version env lint verify');
const HELM_DELETE = verbs('uninstall');
const HELM_DANGEROUS = verbs('plugin');

/** Tools that only read or echo, whatever their arguments. */
const READ_ONLY_TOOLS = verbs('echo');

/** The highest level any reading of the command has. */
export function classifyCommand(command: NormalizedCommand): CommandClass {
  if (command.overflow) return 'dangerous';
  let worst: CommandClass = 'read';
  for (const reading of command.readings) {
    const level = classifyReading(command.tool, reading);
    if (SEVERITY[level] > SEVERITY[worst]) worst = level;
  }
  return worst;
}

function classifyReading(tool: string, reading: CommandReading): CommandClass {
  const [verb = '', sub = ''] = reading.positionals;
  const has = (flag: string): boolean => reading.flags.some(([name]) => name === flag);
  const value = (flag: string): string | undefined => reading.flags.findLast(([name]) => name === flag)?.[1];
  switch (tool) {
    case 'kubectl':
      return classifyKubectl(verb, sub, reading.positionals, has, value);
    case 'helm':
      if (HELM_READ.has(verb) || (verb === 'repo' && sub === 'list')) return 'read';
      if (HELM_DANGEROUS.has(verb)) return 'dangerous';
      return HELM_DELETE.has(verb) ? 'delete' : 'write';
    case 'http':
      return verb === 'get' || verb === 'head' ? 'read' : 'write';
    default:
      return READ_ONLY_TOOLS.has(tool) ? 'read' : 'write';
  }
}

function classifyKubectl(
  verb: string,
  sub: string,
  positionals: readonly string[],
  has: (flag: string) => boolean,
  value: (flag: string) => string | undefined,
): CommandClass {
  if (KUBECTL_DANGEROUS.has(verb)) return 'dangerous';
  if (KUBECTL_DELETE.has(verb)) {
    const types = positionals.slice(1).map((word) => word.split('.')[0] ?? word);
    const wide = types.some((type) => CLUSTER_WIDE_TYPES.has(type)) || has('all') || has('all-namespaces');
    return wide ? 'dangerous' : 'delete';
  }
  if (KUBECTL_READ.has(verb)) return verb === 'diff' && has('server-side') ? 'write' : 'read';
  if (verb === 'rollout') return sub === 'status' || sub === 'history' ? 'read' : 'write';
  if (verb === 'auth') return sub === 'can-i' || sub === 'whoami' ? 'read' : 'write';
  if (verb === 'scale' && isZero(value('replicas'))) return 'delete';
  if ((verb === 'replace' && has('force')) || (verb === 'apply' && has('prune'))) return 'delete';
  return 'write';
}

/** pflag reads ints with base prefixes and underscores (`0x0`, `0_0`, `+0`): all of them are zero. */
export function isZero(value: string | undefined): boolean {
  return value !== undefined && canonicalInteger(value) === 0;
}

/** The integer pflag would read, or undefined when it is not one. */
export function canonicalInteger(value: string): number | undefined {
  const match = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9_]+)$/.exec(value.trim());
  if (match === null) return undefined;
  const digits = (match[2] ?? '').replaceAll('_', '');
  const number = Number(/^0[oO]/.test(digits) ? `0o${digits.slice(2)}` : digits);
  if (!Number.isFinite(number)) return undefined;
  return match[1] === '-' ? -number : number;
}
