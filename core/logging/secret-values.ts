import type { LoadedConfig } from '../config/load-config.js';
import { isPastedSecret, isSensitiveKey } from '../config/secrets.js';

/**
 * Every value the daemon knows to be a credential: the daemon's env variables whose names look
 * secret (TOKEN, SECRET, PASSWORD, KEY, ...: platform tokens, API keys, the admin token), and
 * every string under such a key in the daemon config, the flows (`context.env`, per-flow
 * platform credentials) and the agents, and the value of every variable a `*_env` key names for
 * a credential (`bot_token_env: TG`, an agent's `api_key_env: LLM_AUTH`), whatever its name. URLs count (a Slack webhook's secret is its path), but a
 * bare service address (`redis://host:6379/0`: no user, password, query or path) is no secret:
 * blanking it would hide which server an outage log line is about.
 */
export function secretValues(config: LoadedConfig, env: Record<string, string | undefined>): Set<string> {
  const found = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && isSensitiveKey(name)) addSecret(value, found);
  }
  const named = (name: string): void => {
    const value = env[name];
    if (value !== undefined && value !== '') addSecret(value, found);
  };
  collect(config.daemon.spec, false, found, named);
  for (const flow of config.flows) collect(flow.flow.spec, false, found, named);
  for (const agent of config.agents) collect(agent.agent.spec, false, found, named);
  return found;
}

/** `bot_token_env`, `api_key_env`: the key names the variable that holds a credential. */
function namesCredential(key: string): boolean {
  return key.endsWith('_env') && isSensitiveKey(key.slice(0, -'_env'.length));
}

function collect(value: unknown, sensitive: boolean, found: Set<string>, named: (name: string) => void): void {
  if (typeof value === 'string') {
    if (sensitive) addSecret(value, found);
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, sensitive, found, named);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      // A value that is no variable name is most likely the secret itself, pasted where its variable's name belongs.
      if (namesCredential(key) && typeof item === 'string') {
        if (isPastedSecret(key, item)) addSecret(item, found);
        else named(item);
      } else {
        collect(item, sensitive || isSensitiveKey(key), found, named);
      }
    }
  }
}

/** The value, and a URL's password on its own (an error may quote it without the rest). */
function addSecret(value: string, found: Set<string>): void {
  const url = parseUrl(value);
  if (url === undefined) {
    found.add(value);
    return;
  }
  if (url.password !== '') {
    found.add(url.password);
    found.add(decoded(url.password));
  }
  if (!isBareAddress(url)) found.add(value);
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseUrl(value: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** scheme://host[:port][/db]: nothing in it that could be a credential. */
function isBareAddress(url: URL): boolean {
  return url.username === '' && url.password === '' && url.search === '' && url.hash === '' && /^\/?\d*$/.test(url.pathname);
}
