/**
 * Telegram updates are untrusted JSON whose shape varies by update type; these read one field at
 * a time and yield undefined for anything missing or of the wrong type, instead of casting.
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

/** Telegram ids are JSON integers (chat ids need up to 52 bits); the kernel keys everything by string. */
export function idOf(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined;
  return typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? value : undefined;
}
