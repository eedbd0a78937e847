/**
 * Channel and user entries match an id exactly or a name loosely: operators write
 * `#Production`, `@sre_team` or `@alice` while platforms report `production`, `@sre_team` and `alice`.
 * An entry shaped like a platform id matches that id only, never a name: a channel someone
 * names `c0prod1234` or `-1001234567890`, or a user who calls themselves `u015admin`, must not
 * pass for the channel or user the operator wrote down by id.
 */
export interface NameFilter {
  /** The list holds `*`. */
  readonly any: boolean;
  /** Entries as written, compared with the platform id. */
  readonly ids: ReadonlySet<string>;
  /** Entries as name keys, compared with the key of the platform name. */
  readonly keys: ReadonlySet<string>;
}

const HASH = 0x23;
const AT = 0x40;

/** Lower-case channel name without a leading `#` (Slack, Discord) or `@` (a Telegram chat's username). */
export function channelNameKey(name: string): string {
  return asciiLowerCase(withoutPrefix(withoutPrefix(name, HASH), AT));
}

/** Lower-case username without a leading `@`. */
export function userNameKey(name: string): string {
  return asciiLowerCase(withoutPrefix(name, AT));
}

/** A-Z only: full Unicode folding maps the Kelvin sign to `k` and so on, letting look-alikes match. */
function asciiLowerCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/**
 * Platform ids: numbers (Telegram and WhatsApp chats and users, Discord snowflakes) and Slack's
 * upper-case ids with a digit (C0PROD1234, U015ADMIN, T0ABCDE12). Names in those places are lower
 * case or carry a `#`/`@`.
 */
export function isIdShaped(entry: string): boolean {
  return /^-?\d+$/.test(entry) || (/^[A-Z][A-Z0-9]{7,}$/.test(entry) && /\d/.test(entry));
}

export function compileNameFilter(entries: readonly string[], nameKey: (name: string) => string): NameFilter {
  return {
    any: entries.includes('*'),
    ids: new Set(entries),
    keys: new Set(entries.filter((entry) => !isIdShaped(entry)).map(nameKey)),
  };
}

/** `otherKey`: the key of a second name the same channel answers to (InboundMessage channel.handle). */
export function nameFilterMatches(filter: NameFilter, id: string, key: string | undefined, otherKey?: string): boolean {
  return filter.any || filter.ids.has(id) || (key !== undefined && filter.keys.has(key)) || (otherKey !== undefined && filter.keys.has(otherKey));
}

function withoutPrefix(name: string, prefix: number): string {
  return name.charCodeAt(0) === prefix ? name.slice(1) : name;
}
