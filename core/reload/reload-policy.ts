/**
 * What makes a reload acceptable, and what in the daemon config a reload cannot apply.
 *
 * A reload is rejected when the new load reports an error the configuration in force did not
 * already have (same file, document in it, code, YAML path and message; line numbers may move),
 * or has it more times than before. So a flow or agent file that loaded before and is broken
 * now blocks the reload, as does a second document gaining the error of the first, any new
 * broken file, a duplicate name, or an error in the daemon config; but a file the daemon
 * already skipped at boot (reported then) does not block reloads of the others. Warnings never
 * block.
 */
import type { DaemonConfigSpec } from '@aof/api';
import type { ConfigProblem } from '../config/load-config.js';

function identity(problem: ConfigProblem): string {
  return JSON.stringify([problem.file, problem.document ?? null, problem.code, problem.path ?? '', problem.message]);
}

/** Problems of `next` that `current` did not have (or had fewer times), of the given severity. */
export function newProblems(current: readonly ConfigProblem[], next: readonly ConfigProblem[], severity: ConfigProblem['severity']): ConfigProblem[] {
  const known = new Map<string, number>();
  for (const problem of current.filter((p) => p.severity === severity)) {
    const id = identity(problem);
    known.set(id, (known.get(id) ?? 0) + 1);
  }
  return next.filter((problem) => {
    if (problem.severity !== severity) return false;
    const id = identity(problem);
    const left = known.get(id) ?? 0;
    known.set(id, left - 1);
    return left <= 0;
  });
}

/** Applied by a reload: the flows and agents themselves, and these daemon config sections. */
const RELOADED_SECTIONS = new Set(['routing', 'limits']);
/** The directories and watchers are set up at boot; the rest of these blocks reloads. */
const BOOT_ONLY_RESOURCE_FIELDS = ['directory', 'watch'] as const;

/**
 * Daemon config fields whose change a reload does not apply: the HTTP server, platforms,
 * plugins, admin API, logging, runtime, sandbox and memory defaults were built at boot from the
 * old values, and the watched directories are fixed at boot.
 */
export function restartOnlyChanges(current: DaemonConfigSpec, next: DaemonConfigSpec): string[] {
  const changed: string[] = [];
  const keys = new Set([...Object.keys(current), ...Object.keys(next)]);
  for (const key of [...keys].sort()) {
    if (RELOADED_SECTIONS.has(key)) continue;
    if (key === 'agents' || key === 'flows') {
      for (const field of BOOT_ONLY_RESOURCE_FIELDS) {
        if (!same(current[key][field], next[key][field])) changed.push(`${key}.${field}`);
      }
      continue;
    }
    if (!same(current[key], next[key])) changed.push(key);
  }
  return changed;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
