import { formatPath, type YamlPath } from './yaml-paths.js';

/** Keys whose values may be credentials. `*_env` keys only name a variable, so they are not. */
const SENSITIVE_KEY = /token|secret|password|passwd|credential|key|(^|_)url$/i;

export function isSensitiveKey(key: string): boolean {
  return !key.endsWith('_env') && SENSITIVE_KEY.test(key);
}

/**
 * Decides which values a problem message may quote. A value is hidden when any key on its path
 * looks like a credential, or when it came from an environment variable (`${VAR}`): those are
 * where secrets live, and messages end up in logs and CI output.
 */
export class ValueRedactor {
  private readonly substituted = new Set<string>();

  markSubstituted(path: YamlPath): void {
    this.substituted.add(formatPath(path));
  }

  isHidden(path: YamlPath): boolean {
    if (this.substituted.has(formatPath(path))) return true;
    return path.some((segment) => typeof segment === 'string' && isSensitiveKey(segment));
  }

  /** `string "lots"`, `number 3`, `a list`; or only the type when the value is hidden. */
  describe(value: unknown, path: YamlPath): string {
    const type = typeName(value);
    if (value === null || typeof value === 'object') return type;
    if (this.isHidden(path)) return `${type} (value not shown)`;
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
