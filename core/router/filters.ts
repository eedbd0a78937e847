import type { ExcludingFilter, InboundMessage } from '@aof/api';
import type { CompiledFlow } from './compiled-flow.js';
import { channelNameKey, nameFilterMatches, userNameKey } from './names.js';
import type { PatternMemo } from './pattern-memo.js';

/** The parts of a message the filters compare, normalized once per message. */
export interface MessageKeys {
  /** `InboundMessage.flows` as a set; undefined when the message may reach every flow. */
  allowed: ReadonlySet<string> | undefined;
  platform: string;
  event: string | undefined;
  channelId: string;
  channelKey: string | undefined;
  /** The key of `channel.handle`, when the channel has a second name. */
  channelHandleKey: string | undefined;
  userId: string;
  userKey: string | undefined;
}

export function emptyMessageKeys(): MessageKeys {
  return { allowed: undefined, platform: '', event: undefined, channelId: '', channelKey: undefined, channelHandleKey: undefined, userId: '', userKey: undefined };
}

/** Fills `keys` in place: the router reuses one object rather than allocating per message. */
export function readMessageKeys(message: InboundMessage, keys: MessageKeys): MessageKeys {
  const { channel, user } = message;
  keys.allowed = message.flows === undefined ? undefined : allowedSet(message.flows);
  keys.platform = message.platform.toLowerCase();
  keys.event = message.event;
  keys.channelId = channel.id;
  keys.channelKey = channel.name === undefined ? undefined : channelNameKey(channel.name);
  keys.channelHandleKey = channel.handle === undefined ? undefined : channelNameKey(channel.handle);
  keys.userId = user.id;
  keys.userKey = user.name === undefined ? undefined : userNameKey(user.name);
  return keys;
}

/** A platform hands the same list to many messages (one per credential), so its set is built once. */
const allowedSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function allowedSet(flows: readonly string[]): ReadonlySet<string> {
  let set = allowedSets.get(flows);
  if (set === undefined) {
    set = new Set(flows);
    allowedSets.set(flows, set);
  }
  return set;
}

/**
 * The first filter the message fails, in the documented order, or null for a candidate.
 * A message without an event type fails an `events` filter: the flow asked for specific events.
 */
export function excludedBy(flow: CompiledFlow, keys: MessageKeys, memo: PatternMemo): ExcludingFilter | null {
  if (!flow.active) return 'inactive';
  if (keys.allowed !== undefined && !keys.allowed.has(flow.name)) return 'flows';
  if (flow.platform !== null && flow.platform !== keys.platform) return 'platform';
  if (flow.events !== null && (keys.event === undefined || !flow.events.has(keys.event))) return 'event';
  if (flow.channels !== null && !nameFilterMatches(flow.channels, keys.channelId, keys.channelKey, keys.channelHandleKey)) return 'channel';
  if (flow.users !== null && !nameFilterMatches(flow.users, keys.userId, keys.userKey)) return 'user';
  if (flow.patterns !== null && !memo.testAny(flow.patterns)) return 'pattern';
  return null;
}
