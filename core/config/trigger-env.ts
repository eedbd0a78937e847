import { envNamedKeys } from './env-named-keys.js';
import { isRecord } from './prepare-document.js';
import type { Env, MissingVariable } from './substitute-env.js';
import type { YamlDocument } from './yaml-documents.js';
import { positionOf, type YamlPath } from './yaml-paths.js';

/** `spec.trigger.config` of a document as written, when it is a map (checks run before the schema's). */
export function triggerConfigOf(data: unknown): Record<string, unknown> | undefined {
  const config = isRecord(data) && isRecord(data.spec) && isRecord(data.spec.trigger) ? data.spec.trigger.config : undefined;
  return isRecord(config) ? config : undefined;
}

/**
 * A flow's own platform credentials may be named by variable in `trigger.config`
 * (`signing_secret_env: SLACK_SIGNING_SECRET_ORG_A`), as the daemon's `platforms.<name>` blocks
 * do: the value is put under the plain key (`signing_secret`) unless that key is written too, so
 * the platform plugin reads one key whichever way the flow names it. An unset or empty variable
 * is reported like a missing `${VAR}`: a flow that would otherwise serve without its own
 * credentials (and so receive what another tenant's credentials vouch for) must not load.
 */
export function resolveTriggerEnv(data: unknown, yaml: YamlDocument, env: Env): MissingVariable[] {
  const config = triggerConfigOf(data);
  if (config === undefined) return [];
  const missing: MissingVariable[] = [];
  for (const { key, plainKey, variable, value } of envNamedKeys(config, env)) {
    if (value !== undefined) {
      config[plainKey] = value;
      continue;
    }
    const path: YamlPath = ['spec', 'trigger', 'config', key];
    missing.push({ name: variable, path, ...positionOf(yaml, path) });
  }
  return missing;
}
