import type { ErrorCode } from '@aof/api';
import type { YamlDocument } from './yaml-documents.js';
import { formatPath, positionOf, type YamlPath } from './yaml-paths.js';

/** One thing wrong (or suspicious) in the configuration, pinned to where an operator can fix it. */
export interface ConfigProblem {
  severity: 'error' | 'warning';
  code: ErrorCode;
  message: string;
  file: string;
  line?: number;
  column?: number;
  /** YAML path inside the document, like `spec.trigger.config.patterns[1]`. */
  path?: string;
  /** Position of the document in its file, counting from 0, for a problem in one document. */
  document?: number;
}

export function hasErrors(problems: readonly ConfigProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** `file:line:column: error AOF_ERR_X at spec.a.b: message`, the shape editors and CI turn into links. */
export function formatProblem(p: ConfigProblem): string {
  let where = p.file;
  if (p.line !== undefined) where += `:${p.line}`;
  if (p.line !== undefined && p.column !== undefined) where += `:${p.column}`;
  const at = p.path ? ` at ${p.path}` : '';
  return `${where}: ${p.severity} ${p.code}${at}: ${p.message}`;
}

export type ProblemFactory = (severity: ConfigProblem['severity'], code: ErrorCode, path: YamlPath, message: string) => ConfigProblem;

/** Makes problems located in one document, pointing at the value at a path (or at its key). */
export function problemAt(yaml: YamlDocument, at: 'key' | 'value' = 'value'): ProblemFactory {
  return (severity, code, path, message) => {
    const { line, column } = positionOf(yaml, path, at);
    return { severity, code, message, file: yaml.file, line, column, path: formatPath(path), document: yaml.index };
  };
}
