import type { Scalar } from 'yaml';
import { ErrorCode } from '@aof/api';
import type { ConfigProblem } from './problems.js';
import type { ValueRedactor } from './secrets.js';
import { positionAt, type Position, type YamlDocument } from './yaml-documents.js';
import { forEachScalar, formatPath, type YamlPath } from './yaml-paths.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface MissingVariable extends Position {
  name: string;
  path: YamlPath;
}

export interface SubstitutionResult {
  /** Variables that are not set and have no default: errors, unless the flow turns out inactive. */
  missing: MissingVariable[];
  /** Malformed references; always errors. */
  problems: ConfigProblem[];
}

/** `$${` is a literal `${`; `${NAME}` or `${NAME:-default}`; any other `${` is malformed. */
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in the string values of a parsed document, in place, so
 * every node keeps its position for later error messages. Keys are never substituted. As in a
 * shell, `:-` also applies when the variable is set but empty.
 */
export function substituteEnv(yaml: YamlDocument, env: Env, redactor: ValueRedactor): SubstitutionResult {
  const result: SubstitutionResult = { missing: [], problems: [] };
  forEachScalar(yaml, (node, path) => {
    if (typeof node.value === 'string' && node.value.includes('${')) substituteScalar(yaml, node as Scalar<string>, path, env, redactor, result);
  });
  return result;
}

function substituteScalar(
  yaml: YamlDocument,
  node: Scalar<string>,
  path: YamlPath,
  env: Env,
  redactor: ValueRedactor,
  result: SubstitutionResult,
): void {
  const start = node.range?.[0] ?? 0;
  const positions = referencePositions(yaml, node);
  let k = 0;
  const used: string[] = [];
  node.value = node.value.replace(REFERENCE, (match: string, name: string | undefined, fallback: string | undefined) => {
    const at = positionAt(yaml, start + (positions?.[k++] ?? 0));
    if (match === '$${') return '${';
    if (name === undefined) {
      result.problems.push({
        severity: 'error',
        code: ErrorCode.CONFIG_INVALID,
        message: 'malformed variable reference: write ${NAME} or ${NAME:-default}, or $${ for a literal "${"',
        file: yaml.file,
        ...at,
        path: formatPath(path),
      });
      return match;
    }
    const value = env[name];
    if (value !== undefined && (value !== '' || fallback === undefined)) {
      used.push(value);
      return value;
    }
    if (fallback !== undefined) return fallback;
    result.missing.push({ name, path, ...at });
    return '';
  });
  if (used.length > 0) {
    redactor.markSubstituted(path, node.value);
    for (const value of used) redactor.markSubstituted(path, value);
  }
}

/**
 * Offsets of each reference inside the scalar's source text, so a missing variable is reported at
 * its own column. Quoting or escapes can make the source differ from the value; then the scalar's
 * start is close enough.
 */
function referencePositions(yaml: YamlDocument, node: Scalar<string>): number[] | undefined {
  if (!node.range) return undefined;
  const source = yaml.text.slice(node.range[0], node.range[1]);
  const inSource = [...source.matchAll(REFERENCE)].map((m) => m.index);
  const inValue = [...node.value.matchAll(REFERENCE)].length;
  return inSource.length === inValue ? inSource : undefined;
}
