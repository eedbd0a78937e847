import { Ajv, type ErrorObject } from 'ajv';
import { AofError, ErrorCode, type Plugin } from '@aof/api';
import { describeCause } from './describe-cause.js';

export type ConfigResult = { ok: true; config: Record<string, unknown> } | { ok: false; error: AofError };

/**
 * One validator per kernel load. `strict: false` because third-party schemas may carry
 * annotation keywords ajv does not know, which is not the operator's fault.
 */
export function createConfigValidator(): Ajv {
  return new Ajv({ useDefaults: true, allErrors: true, strict: false });
}

/**
 * Validates a plugin's config against its `configSchema` and applies the schema's defaults to a
 * copy (the caller's config object stays as written). Errors name the failing paths and rules
 * but never the values, since plugin configs carry tokens and secrets.
 */
export function validatePluginConfig(ajv: Ajv, plugin: Plugin, config: Record<string, unknown> = {}): ConfigResult {
  const copy = structuredClone(config);
  if (plugin.configSchema === undefined) return { ok: true, config: copy };
  let validate;
  try {
    validate = ajv.compile(plugin.configSchema);
  } catch (cause) {
    return {
      ok: false,
      error: new AofError(ErrorCode.PLUGIN_INVALID, `plugin "${plugin.name}" has a configSchema that does not compile: ${describeCause(cause)}`, {
        plugin: plugin.name,
        cause,
      }),
    };
  }
  if (validate(copy)) return { ok: true, config: copy };
  const problems = (validate.errors ?? []).map(describeProblem);
  return {
    ok: false,
    error: new AofError(ErrorCode.PLUGIN_CONFIG_INVALID, `plugin "${plugin.name}" config is invalid: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, {
      plugin: plugin.name,
      details: { errors: problems },
    }),
  };
}

/** ajv messages describe the rule, not the data (no `verbose`); property names are keys, not values. */
function describeProblem(error: ErrorObject): { path: string; keyword: string; message: string } {
  const extra = error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : '';
  return { path: error.instancePath === '' ? '/' : error.instancePath, keyword: error.keyword, message: `${error.message ?? 'is invalid'}${extra}` };
}
