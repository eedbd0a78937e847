/** Field names that hold credentials in platform configs, model configs and HTTP requests. */
const SECRET_KEYS = [
  'token',
  'bot_token',
  'signing_secret',
  'app_secret',
  'client_secret',
  'secret',
  'access_token',
  'refresh_token',
  'api_key',
  'apiKey',
  'password',
  'authorization',
  'cookie',
  'x-api-key',
];

const PARENTS = ['', '*', '*.*', '*.*.*'];
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * pino's redaction takes explicit paths (no recursive wildcard, which would cost a full walk of
 * every object logged), so each key is listed at the top level and up to three levels down:
 * deep enough for `{config: {platform: {bot_token}}}` and `{req: {headers: {authorization}}}`.
 */
export function redactPaths(): string[] {
  return SECRET_KEYS.flatMap((key) => PARENTS.map((parent) => childPath(parent, key)));
}

/** Keys that are not identifiers (`x-api-key`) need bracket notation. */
function childPath(parent: string, key: string): string {
  if (!IDENTIFIER.test(key)) return `${parent}["${key}"]`;
  return parent === '' ? key : `${parent}.${key}`;
}
