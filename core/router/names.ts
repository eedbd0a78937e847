/**
 * Channel and user entries match an id exactly or a name loosely: operators write
 * `#Production`, `@sre_team` or `@alice` while platforms report `production`, `@sre_team` and `alice`.
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
  return withoutPrefix(withoutPrefix(name, HASH), AT).toLowerCase();
}

/** Lower-case username without a leading `@`. */
export function userNameKey(name: string): string {
  return withoutPrefix(name, AT).toLowerCase();
}

export function compileNameFilter(entries: readonly string[], nameKey: (name: string) => string): NameFilter {
  return {
    any: entries.includes('*'),
    ids: new Set(entries),
    keys: new Set(entries.map(nameKey)),
  };
}

/** `otherKey`: the key of a second name the same channel answers to (InboundMessage channel.handle). */
export function nameFilterMatches(filter: NameFilter, id: string, key: string | undefined, otherKey?: string): boolean {
  return filter.any || filter.ids.has(id) || (key !== undefined && filter.keys.has(key)) || (otherKey !== undefined && filter.keys.has(otherKey));
}

function withoutPrefix(name: string, prefix: number): string {
  return name.charCodeAt(0) === prefix ? name.slice(1) : name;
}
