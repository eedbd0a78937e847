import type { FlowAgentRef } from '@aof/api';
import type { FlowSpec, MessageSpec } from './flow-fixtures.js';

/** mulberry32: a tiny seeded PRNG, so a failing property run can be replayed exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLATFORMS = ['Slack', 'Telegram', 'discord'];
const CHANNELS = [['C1', 'production'], ['C2', 'staging'], ['C3', 'prod-alerts'], ['C4', 'random'], ['C5', 'ops']] as const;
const USERS = [['U1', 'alice'], ['U2', 'bob'], ['U3', 'carol'], ['U4', 'dave']] as const;
const PATTERNS = ['^kubectl', 'deploy', '(?i)incident', 'CRITICAL|HIGH', '^helm (list|status)', 'pod', 'scale\\s+\\w+'];
const TEXTS = ['kubectl get pods', 'deploy api', 'INCIDENT in eu', 'disk CRITICAL', 'helm list', 'scale web', 'hello', 'incident: pod down'];
const EVENTS = ['app_mention', 'message'];

export function randomFlows(random: () => number, count: number): FlowSpec[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const some = <T>(items: readonly T[], max: number): T[] => Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(items));
  const chance = (p: number): boolean => random() < p;
  const channelEntry = (): string => {
    const [id, name] = pick(CHANNELS);
    return pick([id, name, `#${name}`, name.toUpperCase(), '*']);
  };
  const userEntry = (): string => {
    const [id, name] = pick(USERS);
    return pick([id, id, name, `@${name}`, '*']);
  };
  const agents = (): FlowAgentRef[] => some(['a', 'b', 'c'], 3).map((name, i) => ({
    name: `${name}${i}`,
    ...(chance(0.5) && { patterns: some(PATTERNS, 2) }),
  }));
  return Array.from({ length: count }, (_, i): FlowSpec => ({
    name: `flow-${i}`,
    ...(chance(0.7) && { type: pick(PLATFORMS) }),
    ...(chance(0.3) && { events: some(EVENTS, 2) }),
    ...(chance(0.35) && { channels: some([0, 1, 2].map(channelEntry), 2) }),
    ...(chance(0.25) && { users: some([0, 1].map(userEntry), 2) }),
    ...(chance(0.35) && { patterns: some(PATTERNS, 2) }),
    ...(chance(0.3) && { labels: { tier: pick(['enterprise', 'standard']), priority: String(Math.floor(random() * 4)) } }),
    active: chance(0.9),
    agents: agents(),
  }));
}

export function randomMessage(random: () => number): MessageSpec {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const [channelId, channelName] = random() < 0.9 ? pick(CHANNELS) : ['C9', 'elsewhere'];
  const [userId, userName] = random() < 0.9 ? pick(USERS) : ['U9', 'zed'];
  return {
    platform: pick(['slack', 'telegram', 'discord', 'whatsapp']),
    channelId,
    channelName: random() < 0.8 ? pick([channelName, `#${channelName}`, channelName.toUpperCase()]) : null,
    // A second name (Telegram: a titled group's @username): another channel's name, so it can match flows the name does not.
    ...(random() < 0.15 && { channelHandle: `@${pick(CHANNELS)[1]}` }),
    userId,
    userName: random() < 0.7 ? userName : null,
    text: `${random() < 0.3 ? '<@U0BOT> ' : ''}${pick(TEXTS)}`,
    event: random() < 0.9 ? pick(EVENTS) : null,
  };
}
