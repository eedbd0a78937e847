import { visit } from 'yaml';
import { ErrorCode, type SourceLocation } from '@aof/api';
import { problemAt, type ConfigProblem } from './problems.js';
import { ValueRedactor } from './secrets.js';
import { substituteEnv, type Env, type MissingVariable } from './substitute-env.js';
import { documentStart, positionAt, safeYamlMessage, type YamlDocument } from './yaml-documents.js';
import { forEachScalar, formatPath } from './yaml-paths.js';

/** A parsed document with variables substituted, turned into plain data, not yet validated. */
export interface PreparedDocument {
  yaml: YamlDocument;
  data: unknown;
  /** False when the document is a scalar or a list; `problems` says so. */
  isMap: boolean;
  /** `kind:` as written, if it is a string. */
  kind: string | undefined;
  source: SourceLocation;
  redactor: ValueRedactor;
  missing: MissingVariable[];
  /** Malformed variable references, a non-map document, integers too large to keep exactly. */
  problems: ConfigProblem[];
}

export function prepareDocument(yaml: YamlDocument, env: Env): PreparedDocument {
  const redactor = new ValueRedactor();
  const { missing, problems } = substituteEnv(yaml, env, redactor);
  problems.push(...inexactNumbers(yaml));
  const start = documentStart(yaml);
  const source: SourceLocation = { file: yaml.file, ...start, document: yaml.index };
  let data: unknown;
  const cycle = cyclicAlias(yaml);
  if (cycle !== undefined) {
    problems.push(cycle);
  } else {
    try {
      data = yaml.doc.toJS();
    } catch (error) {
      // Aliases can fail only here: a bad merge (`<<:`) source, or too many (a "billion laughs" file).
      problems.push({ severity: 'error', code: ErrorCode.CONFIG_PARSE, message: `YAML: ${safeYamlMessage((error as Error).message)}`, file: yaml.file, ...start });
    }
  }
  const isMap = isRecord(data);
  if (!isMap && data !== undefined) {
    problems.push({ severity: 'error', code: ErrorCode.CONFIG_INVALID, message: 'expected a map with apiVersion, kind, metadata and spec', file: yaml.file, ...start });
  }
  const kind = isRecord(data) ? data.kind : undefined;
  return { yaml, data, isMap, kind: typeof kind === 'string' ? kind : undefined, source, redactor, missing, problems };
}

/**
 * An alias inside the node it refers to (`a: &t {self: *t}`): YAML allows it, but it would make
 * a cyclic object that every later walk of the config (validation, secret collection, the
 * reload's comparison) recurses into until the stack runs out.
 */
function cyclicAlias(yaml: YamlDocument): ConfigProblem | undefined {
  let problem: ConfigProblem | undefined;
  visit(yaml.doc, {
    Alias(_key, node, path) {
      const source = node.resolve(yaml.doc);
      if (source === undefined || !path.includes(source)) return undefined;
      const { line, column } = positionAt(yaml, node.range?.[0] ?? 0);
      problem = { severity: 'error', code: ErrorCode.CONFIG_PARSE, message: `YAML: alias *${node.source} refers to a node that contains it; a cycle cannot be loaded`, file: yaml.file, line, column };
      return visit.BREAK;
    },
  });
  return problem;
}

export function missingVariableProblem(yaml: YamlDocument, variable: MissingVariable): ConfigProblem {
  return {
    severity: 'error',
    code: ErrorCode.CONFIG_ENV_MISSING,
    message: `environment variable ${variable.name} is not set (write \${${variable.name}:-default} to make it optional)`,
    file: yaml.file,
    line: variable.line,
    column: variable.column,
    path: formatPath(variable.path),
  };
}

/**
 * An unquoted id such as a Discord snowflake (`channels: [123456789012345678]`) parses as a
 * number that JavaScript cannot hold exactly; it would be rounded and silently never match.
 */
function inexactNumbers(yaml: YamlDocument): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  forEachScalar(yaml, (node, path) => {
    if (typeof node.value === 'number' && Number.isInteger(node.value) && !Number.isSafeInteger(node.value)) {
      problems.push(problemAt(yaml)('warning', ErrorCode.CONFIG_INVALID, path, 'this integer is too large to keep exactly and will be rounded; quote it if it is an id'));
    }
  });
  return problems;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
