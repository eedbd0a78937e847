import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import { AofError, ErrorCode, type Agent, type AgentFlow, type DaemonConfig } from '@aof/api';

export type ResourceKind = 'DaemonConfig' | 'AgentFlow' | 'Agent';

interface KindTypes {
  DaemonConfig: DaemonConfig;
  AgentFlow: AgentFlow;
  Agent: Agent;
}

const SCHEMA_FILES: Record<ResourceKind, string> = {
  DaemonConfig: 'daemon-config.schema.json',
  AgentFlow: 'agent-flow.schema.json',
  Agent: 'agent.schema.json',
};

export interface KindValidators<K extends ResourceKind> {
  /**
   * Fills defaults, coerces scalars (`"8080"` from `${PORT}` -> 8080, `true` -> "true" in env maps)
   * and reports real errors. It would also make an empty value 0, false or ""; validateSchema
   * puts those nulls back and reports them.
   */
  validate: ValidateFunction<KindTypes[K]>;
  /** The same schema with every open-ended object closed: its additionalProperties errors are unknown fields. */
  closed: ValidateFunction;
}

type Validators = { [K in ResourceKind]: KindValidators<K> };

let cached: Validators | undefined;

export function schemaValidators(): Validators {
  cached ??= compileAll();
  return cached;
}

/** The schema files from config/, as written (editors use the same files). */
export function loadSchema(kind: ResourceKind): AnySchemaObject {
  return JSON.parse(readFileSync(path.join(schemaDir(), SCHEMA_FILES[kind]), 'utf8')) as AnySchemaObject;
}

function compileAll(): Validators {
  const options = { allErrors: true, verbose: true, allowUnionTypes: true };
  const lenient = new Ajv({ ...options, useDefaults: true, coerceTypes: true });
  const strict = new Ajv(options);
  const pair = <K extends ResourceKind>(kind: K): KindValidators<K> => {
    const schema = loadSchema(kind);
    return { validate: lenient.compile<KindTypes[K]>(schema), closed: strict.compile(closeObjects(schema) as AnySchemaObject) };
  };
  return { DaemonConfig: pair('DaemonConfig'), AgentFlow: pair('AgentFlow'), Agent: pair('Agent') };
}

/**
 * Unknown fields must warn, not fail, so the published schema leaves objects open. Objects that
 * are open on purpose (platform options, tool_config, env maps) say `additionalProperties`
 * explicitly; every other object with `properties` is closed here. `if` schemas stay untouched:
 * closing them would change which branch applies.
 */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === 'if' || key === 'default' || key === 'examples' || key === 'const' || key === 'enum' ? value : closeObjects(value);
  }
  if ('properties' in out && !('additionalProperties' in out) && !('patternProperties' in out)) out.additionalProperties = false;
  return out;
}

/** config/ sits at the checkout root; the compiled module runs from dist/core/config, the source from core/config. */
function schemaDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'config');
    if (existsSync(path.join(candidate, SCHEMA_FILES.DaemonConfig))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new AofError(ErrorCode.CONFIG_NOT_FOUND, `JSON Schemas (config/${SCHEMA_FILES.DaemonConfig}) not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
