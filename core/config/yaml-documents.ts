import { isScalar, LineCounter, parseAllDocuments, visit, YAMLParseError, type Document, type YAMLError } from 'yaml';
import { ErrorCode } from '@aof/api';
import type { ConfigProblem } from './problems.js';

/** One parsed YAML document of a file, with what it takes to turn node offsets into line:column. */
export interface YamlDocument {
  file: string;
  /** Position of the document in its file, counting from 0. */
  index: number;
  doc: Document.Parsed;
  text: string;
  lineCounter: LineCounter;
}

export interface Position {
  line: number;
  column: number;
}

export function positionAt(yaml: Pick<YamlDocument, 'lineCounter'>, offset: number): Position {
  const { line, col } = yaml.lineCounter.linePos(offset);
  return line === 0 ? { line: 1, column: offset + 1 } : { line, column: col };
}

/** Where the document's content starts (its first key), for problems about the document as a whole. */
export function documentStart(yaml: YamlDocument): Position {
  return positionAt(yaml, yaml.doc.contents?.range[0] ?? yaml.doc.range[0]);
}

export interface ParsedFile {
  /** Documents that parsed cleanly and are not empty. */
  documents: YamlDocument[];
  problems: ConfigProblem[];
}

/**
 * Far above any real configuration file. Parsing runs on the main thread (boot, every reload),
 * and a file of tens of megabytes would hold it for minutes and gigabytes.
 */
export const MAX_CONFIG_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Splits a multi-document file. A document with a syntax error is reported and left out; the
 * others still load, so one typo does not hide the rest of the file.
 */
export function parseYamlDocuments(file: string, text: string): ParsedFile {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_CONFIG_FILE_BYTES) {
    const message = `file is ${mebibytes(size)} (${size} bytes), over the ${mebibytes(MAX_CONFIG_FILE_BYTES)} limit for a configuration file; not parsed`;
    return { documents: [], problems: [{ severity: 'error', code: ErrorCode.CONFIG_PARSE, message, file }] };
  }
  const lineCounter = new LineCounter();
  // prettyErrors off: pretty messages quote the offending source line, which may hold a secret.
  // uniqueKeys off: yaml's own check is quadratic in a map's size; duplicateKeys does it linearly.
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: false });
  const documents: YamlDocument[] = [];
  const problems: ConfigProblem[] = [];
  parsed.forEach((doc, index) => {
    const yaml: YamlDocument = { file, index, doc, text, lineCounter };
    const errors = [...doc.errors, ...duplicateKeys(doc)];
    for (const error of errors) problems.push(syntaxProblem(yaml, error, 'error'));
    for (const warning of doc.warnings) problems.push(syntaxProblem(yaml, warning, 'warning'));
    if (errors.length === 0 && !isEmpty(doc)) documents.push(yaml);
  });
  return { documents, problems };
}

/**
 * yaml's `uniqueKeys` rule (scalar keys are equal when their values are), with the error it
 * raises at the repeated key, but one Set per map instead of comparing every pair of keys.
 */
function duplicateKeys(doc: Document.Parsed): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key)) continue;
        if (seen.has(key.value) && key.range) errors.push(new YAMLParseError([key.range[0], key.range[0] + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
        seen.add(key.value);
      }
    },
  });
  return errors;
}

function mebibytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}

/** A document of only comments (or nothing) between two `---` separators. */
function isEmpty(doc: Document.Parsed): boolean {
  return doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
}

function syntaxProblem(yaml: YamlDocument, error: YAMLError, severity: ConfigProblem['severity']): ConfigProblem {
  const { line, column } = positionAt(yaml, error.pos[0]);
  return { severity, code: ErrorCode.CONFIG_PARSE, message: `YAML: ${safeYamlMessage(error.message)}`, file: yaml.file, line, column };
}

/** Some yaml messages end with `: <source text>`; that text can be a token value, so it goes. */
export function safeYamlMessage(message: string): string {
  const firstLine = message.split('\n', 1)[0] ?? message;
  const cut = firstLine.indexOf(': ');
  return cut > 0 ? firstLine.slice(0, cut) : firstLine;
}
