import { formatPath, type YamlPath } from './yaml-paths.js';

/** Keys whose values may be credentials. `*_env` keys only name a variable, so they are not. */
const SENSITIVE_KEY = /token|secret|password|passwd|credential|key|(^|_)url$/i;

export function isSensitiveKey(key: string): boolean {
  return !key.endsWith('_env') && SENSITIVE_KEY.test(key);
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A `*_env` value as a message may quote it: a variable name, as written; anything else is most
 * likely the secret itself pasted where its variable's name belongs, so it is not shown.
 */
export function shownEnvName(value: string): string {
  return ENV_NAME.test(value) ? value : '(a value that is not a variable name; not shown)';
}

/** Whether a `*_env` key's value looks like the secret itself rather than a variable's name. */
export function isPastedSecret(key: string, value: unknown): boolean {
  return key.endsWith('_env') && typeof value === 'string' && !ENV_NAME.test(value);
}

/**
 * Decides which values a problem message may quote. A value is hidden when any key on its path
 * looks like a credential, when it came from an environment variable (`${VAR}`) (also where an
 * alias or merge key repeats it under another path: the value itself is remembered), or when a
 * `*_env` key holds something that is not a variable name: those are where secrets live, and
 * messages end up in logs and CI output.
 */
export class ValueRedactor {
  private readonly substituted = new Set<string>();
  private readonly substitutedValues = new Set<string>();

  markSubstituted(path: YamlPath, value?: string): void {
    this.substituted.add(formatPath(path));
    if (value !== undefined && value !== '') this.substitutedValues.add(value);
  }

  isHidden(path: YamlPath, value?: unknown): boolean {
    if (this.substituted.has(formatPath(path))) return true;
    if (typeof value === 'string' && this.substitutedValues.has(value)) return true;
    const last = path.at(-1);
    if (typeof last === 'string' && isPastedSecret(last, value)) return true;
    return path.some((segment) => typeof segment === 'string' && isSensitiveKey(segment));
  }

  /** The problem with every value that came from the environment masked (a message built after substitution may quote one). */
  masked<T extends { message: string }>(problem: T): T {
    let message = problem.message;
    // Longest first, so a value that contains another is masked whole.
    for (const value of [...this.substitutedValues].sort((a, b) => b.length - a.length)) {
      if (value.length >= 4) message = message.replaceAll(value, '(value not shown)');
    }
    return message === problem.message ? problem : { ...problem, message };
  }

  /** `string "lots"`, `number 3`, `a list`; or only the type when the value is hidden. */
  describe(value: unknown, path: YamlPath): string {
    const type = typeName(value);
    if (value === null || typeof value === 'object') return type;
    if (this.isHidden(path, value)) return `${type} (value not shown)`;
    const text = typeof value === 'string' ? JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value) : String(value);
    return `${type} ${text}`;
  }
}

/** YAML words for JSON types, since operators write YAML. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return typeof value;
}
