/**
 * Webhook payloads and whatsapp-web.js objects are untrusted data whose shape varies by message
 * type; these read one field at a time and yield undefined for anything missing or of the wrong
 * type, instead of casting.
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
