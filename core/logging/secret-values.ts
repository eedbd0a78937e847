import type { LoadedConfig } from '../config/load-config.js';
import { isSensitiveKey } from '../config/secrets.js';

/**
 * Every value the daemon knows to be a credential: the daemon's env variables whose names look
 * secret (TOKEN, SECRET, PASSWORD, KEY, ...: platform tokens, API keys, the admin token), and
 * every string under such a key in the daemon config, the flows (`context.env`, per-flow
 * platform credentials) and the agents.
 */
export function secretValues(config: LoadedConfig, env: Record<string, string | undefined>): Set<string> {
  const found = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && isSensitiveKey(name)) found.add(value);
  }
  collect(config.daemon.spec, false, found);
  for (const flow of config.flows) collect(flow.flow.spec, false, found);
  for (const agent of config.agents) collect(agent.agent.spec, false, found);
  return found;
}

function collect(value: unknown, sensitive: boolean, found: Set<string>): void {
  if (typeof value === 'string') {
    if (sensitive) found.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, sensitive, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) collect(item, sensitive || isSensitiveKey(key), found);
  }
}
