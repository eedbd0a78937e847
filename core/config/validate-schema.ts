import type { ErrorObject } from 'ajv';
import { ErrorCode } from '@aof/api';
import { problemAt, type ConfigProblem } from './problems.js';
import { schemaValidators, type ResourceKind } from './schemas.js';
import type { ValueRedactor } from './secrets.js';
import { closestName } from './suggest.js';
import type { YamlDocument } from './yaml-documents.js';
import { pointerToPath, type YamlPath } from './yaml-paths.js';

export interface SchemaCheck {
  valid: boolean;
  /** Errors, then unknown-field warnings. */
  problems: ConfigProblem[];
}

/**
 * Validates `data` (the document as JS, env already substituted) against its kind's schema,
 * filling defaults in place. Unknown fields come back as warnings: AOF's own configs carry keys
 * this daemon does not use, and those must not stop it.
 */
export function validateSchema(kind: ResourceKind, data: unknown, yaml: YamlDocument, redactor: ValueRedactor): SchemaCheck {
  const { validate, closed } = schemaValidators()[kind];
  const empty = emptyValues(data);
  const valid = validate(data);
  const coerced = restoreCoerced(empty);
  // closed does not coerce: its type errors at the restored nulls say what was expected there.
  closed(data);
  const emptyErrors = (closed.errors ?? []).filter((error) => error.keyword === 'type' && coerced.has(error.instancePath));
  const problems: ConfigProblem[] = [];
  for (const error of validate.errors ?? []) {
    // Errors at a coerced empty value are about the 0, false or "" it became, not what was written.
    if (coerced.has(error.instancePath)) continue;
    const described = describeError(error, data, redactor);
    if (described) problems.push(toProblem('error', described, yaml));
  }
  const reported = new Set<string>();
  for (const error of emptyErrors) {
    if (reported.has(error.instancePath)) continue;
    reported.add(error.instancePath);
    problems.push(toProblem('error', describeEmptyValue(error, data), yaml));
  }
  for (const error of closed.errors ?? []) {
    if (error.keyword === 'additionalProperties') problems.push(toProblem('warning', describeUnknownField(error, data), yaml));
  }
  return { valid: valid && reported.size === 0, problems };
}

interface EmptyValue {
  parent: Record<string | number, unknown>;
  key: string | number;
  /** ajv's instancePath for the value. */
  pointer: string;
}

/** Every null (`port:` with nothing after it) in the data, found before coercion replaces it. */
function emptyValues(data: unknown): EmptyValue[] {
  const found: EmptyValue[] = [];
  const seen = new Set<object>();
  const walk = (value: unknown, pointer: string): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    const parent = value as Record<string | number, unknown>;
    for (const [key, child] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
      const at = `${pointer}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (child === null) found.push({ parent, key, pointer: at });
      else walk(child, at);
    }
  };
  walk(data, '');
  return found;
}

/**
 * `coerceTypes` (for `"8080"` from `${PORT}`) also turns null into 0, false or "", so an empty
 * `port:` would listen on a random port. Puts those nulls back; returns their pointers.
 */
function restoreCoerced(empty: readonly EmptyValue[]): Set<string> {
  const coerced = new Set<string>();
  for (const { parent, key, pointer } of empty) {
    if (parent[key] === null) continue;
    parent[key] = null;
    coerced.add(pointer);
  }
  return coerced;
}

interface Described {
  path: YamlPath;
  message: string;
  /** Point at the key (a field that is missing, misnamed or unwanted) rather than the value. */
  at: 'key' | 'value';
}

function toProblem(severity: ConfigProblem['severity'], d: Described, yaml: YamlDocument): ConfigProblem {
  return problemAt(yaml, d.at)(severity, ErrorCode.CONFIG_INVALID, d.path, d.message);
}

const TYPE_WORDS: Record<string, string> = { object: 'a map', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean', null: 'nothing' };

function describeError(error: ErrorObject, root: unknown, redactor: ValueRedactor): Described | undefined {
  const path = pointerToPath(error.instancePath, root);
  const params = error.params as Record<string, unknown>;
  const got = (): string => redactor.describe(error.data, path);
  switch (error.keyword) {
    case 'if':
    case 'propertyNames':
      // `if` only says "must match then"; propertyNames repeats its nested error. Both add nothing.
      return undefined;
    case 'required':
      return { path: [...path, String(params.missingProperty)], message: `missing required field "${String(params.missingProperty)}"`, at: 'key' };
    case 'type': {
      const types = String(params.type).split(',').map((t) => TYPE_WORDS[t] ?? t);
      return { path, message: `expected ${types.join(' or ')}, got ${got()}`, at: 'value' };
    }
    case 'enum':
      return { path, message: `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${got()}`, at: 'value' };
    case 'const':
      return { path, message: `expected ${JSON.stringify(params.allowedValue)}, got ${got()}`, at: 'value' };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `expected a number ${String(params.comparison)} ${String(params.limit)}, got ${got()}`, at: 'value' };
    case 'minLength':
      return { path, message: params.limit === 1 ? 'expected a non-empty string' : `expected at least ${String(params.limit)} characters`, at: 'value' };
    case 'maxLength':
      return { path, message: `expected at most ${String(params.limit)} characters`, at: 'value' };
    case 'minItems':
      return { path, message: `expected at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`, at: 'value' };
    case 'pattern':
      if (error.propertyName !== undefined) {
        return { path: [...path, error.propertyName], message: `invalid name "${error.propertyName}": expected a name matching ${String(params.pattern)}`, at: 'key' };
      }
      return { path, message: `expected a string matching ${String(params.pattern)}, got ${got()}`, at: 'value' };
    default:
      return { path, message: error.message ?? `fails ${error.keyword}`, at: 'value' };
  }
}

function describeEmptyValue(error: ErrorObject, root: unknown): Described {
  const types = String((error.params as Record<string, unknown>).type).split(',').map((t) => TYPE_WORDS[t] ?? t);
  return { path: pointerToPath(error.instancePath, root), message: `expected ${types.join(' or ')}, got an empty value`, at: 'value' };
}

function describeUnknownField(error: ErrorObject, root: unknown): Described {
  const field = String((error.params as Record<string, unknown>).additionalProperty);
  const path = [...pointerToPath(error.instancePath, root), field];
  const known = Object.keys((error.parentSchema?.properties ?? {}) as Record<string, unknown>);
  const suggestion = closestName(field, known);
  const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
  return { path, message: `unknown field "${field}" is ignored${hint}`, at: 'key' };
}
