/** Field names that hold credentials in platform configs, model configs and HTTP requests. */
const SECRET_KEYS: ReadonlySet<string> = new Set([
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
]);

/** Keys are censored at the top level and up to three levels down: `{req: {headers: {authorization}}}`. */
const MAX_DEPTH = 3;

export const CENSOR = '[redacted]';

/**
 * Censors secret fields by name in one logged object, copying only the objects on the way to a
 * secret (the caller's object is never changed). A line without one (the request line: a dozen
 * flat fields) costs one Set lookup per key; pino's path-based `redact` with wildcards for the
 * same depth walked every value of every line through its wildcard stringifiers.
 *
 * `errorKey` (pino's `err`) is left to `redactSerializedError`: censoring an Error before pino
 * serializes it would print a copy without its message and stack.
 */
export function redactSecrets<T extends object>(value: T, errorKey?: string): T {
  return censor(value, 0, errorKey) as T;
}

/** An error as pino's serializer printed it (type, message, stack, its own fields), one level down. */
export function redactSerializedError<T extends object>(serialized: T): T {
  return censor(serialized, 1) as T;
}

function censor(value: object, depth: number, skip?: string): object {
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return value;
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const next = walkable(item) ? censor(item, depth + 1) : item;
      if (next === item) continue;
      copy ??= [...value];
      copy[index] = next;
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const item = record[key];
    let next = item;
    if (SECRET_KEYS.has(key)) {
      if (item !== undefined) next = CENSOR;
    } else if (depth < MAX_DEPTH && key !== skip && walkable(item)) {
      next = censor(item, depth + 1);
    }
    if (next === item) continue;
    // A plain copy of the own enumerable fields is what JSON.stringify would print of it anyway.
    copy ??= { ...record };
    copy[key] = next;
  }
  return copy ?? value;
}

/** Objects whose own fields are what gets printed: not a Date, Buffer or anything else with its own toJSON. */
function walkable(value: unknown): value is object {
  return typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
