/**
 * Discord payloads are untrusted JSON whose shape varies by event; these read one field at a
 * time and yield undefined for anything missing or of the wrong type, instead of casting.
 */
export type Fields = Readonly<Record<string, unknown>>;

export function record(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Fields : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Discord ids are 64-bit snowflakes, sent as decimal strings. */
export function snowflake(value: unknown): string | undefined {
  return typeof value === 'string' && /^\d{1,20}$/.test(value) ? value : undefined;
}

export function parseJsonObject(source: string): Fields | undefined {
  try {
    return record(JSON.parse(source));
  } catch {
    return undefined;
  }
}
