import type { Env } from './substitute-env.js';

const SUFFIX = '_env';

/** One `<key>_env: VARIABLE` entry of a config block, and what it resolves to. */
export interface EnvNamedKey {
  /** The key as written (`bot_token_env`). */
  key: string;
  /** Where the value goes (`bot_token`). */
  plainKey: string;
  variable: string;
  /** The variable's value; undefined when it is unset or empty. */
  value: string | undefined;
}

/** Whether `key: value` names a variable (`bot_token_env: SLACK_BOT_TOKEN`) rather than holding a value. */
export function namesVariable(key: string, value: unknown): value is string {
  return key.endsWith(SUFFIX) && typeof value === 'string';
}

/**
 * The block's secrets named by environment variable, as the daemon's `platforms.<name>` blocks and
 * a flow's `trigger.config` write them. A plain key written beside its `_env` twin wins, so such
 * an entry is left out; an empty variable counts as unset.
 */
export function envNamedKeys(block: Readonly<Record<string, unknown>>, env: Env): EnvNamedKey[] {
  const named: EnvNamedKey[] = [];
  for (const [key, variable] of Object.entries(block)) {
    if (!namesVariable(key, variable)) continue;
    const plainKey = key.slice(0, -SUFFIX.length);
    if (block[plainKey] !== undefined) continue;
    const value = env[variable];
    named.push({ key, plainKey, variable, value: value === undefined || value === '' ? undefined : value });
  }
  return named;
}
