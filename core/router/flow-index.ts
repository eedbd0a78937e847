import type { CompiledFlow } from './compiled-flow.js';

/** Flows in rank order: a list can be abandoned at the first flow that cannot win. */
export type FlowList = readonly CompiledFlow[];

/** Flows filtered by patterns alone that hold `guard`: skipped whole when the guard does not match. */
export interface GuardedList {
  readonly guard: number;
  readonly flows: FlowList;
}

/**
 * The flows of one platform (or of every platform), filed under the one filter that best narrows
 * them: channels, else users, else patterns; flows with none of these are catch-alls.
 */
export interface PlatformBucket {
  readonly channelIds: ReadonlyMap<string, FlowList>;
  readonly channelKeys: ReadonlyMap<string, FlowList>;
  readonly channelAny: FlowList;
  readonly userIds: ReadonlyMap<string, FlowList>;
  readonly userKeys: ReadonlyMap<string, FlowList>;
  readonly userAny: FlowList;
  /** Ordered by the rank of each list's first flow. */
  readonly guarded: readonly GuardedList[];
  readonly catchAll: FlowList;
}

/** Active flows by platform, so a message only looks at flows whose filters it can pass. */
export class FlowIndex {
  private readonly byPlatform = new Map<string, PlatformBucket>();
  /** Flows without `trigger.type`. */
  readonly everyPlatform: PlatformBucket;

  /** `ranked` must be in rank order; every list then comes out in rank order too. */
  constructor(ranked: readonly CompiledFlow[]) {
    const builders = new Map<string | null, BucketBuilder>();
    for (const flow of ranked) {
      if (!flow.active) continue;
      let builder = builders.get(flow.platform);
      if (!builder) builders.set(flow.platform, (builder = new BucketBuilder()));
      builder.add(flow);
    }
    for (const [platform, builder] of builders) {
      if (platform !== null) this.byPlatform.set(platform, builder.build());
    }
    this.everyPlatform = (builders.get(null) ?? new BucketBuilder()).build();
  }

  forPlatform(platform: string): PlatformBucket | undefined {
    return this.byPlatform.get(platform);
  }
}

class BucketBuilder {
  private readonly channelIds = new Map<string, CompiledFlow[]>();
  private readonly channelKeys = new Map<string, CompiledFlow[]>();
  private readonly channelAny: CompiledFlow[] = [];
  private readonly userIds = new Map<string, CompiledFlow[]>();
  private readonly userKeys = new Map<string, CompiledFlow[]>();
  private readonly userAny: CompiledFlow[] = [];
  private readonly guarded = new Map<number, CompiledFlow[]>();
  private readonly catchAll: CompiledFlow[] = [];

  add(flow: CompiledFlow): void {
    const filter = flow.channels ?? flow.users;
    if (filter) {
      const [ids, keys, any] = flow.channels
        ? [this.channelIds, this.channelKeys, this.channelAny]
        : [this.userIds, this.userKeys, this.userAny];
      if (filter.any) {
        any.push(flow);
        return;
      }
      for (const id of filter.ids) push(ids, id, flow);
      for (const key of filter.keys) push(keys, key, flow);
    } else if (flow.patterns) {
      for (const guard of new Set(flow.patterns)) push(this.guarded, guard, flow);
    } else {
      this.catchAll.push(flow);
    }
  }

  build(): PlatformBucket {
    const guarded = [...this.guarded].map(([guard, flows]) => ({ guard, flows }));
    guarded.sort((a, b) => headRank(a.flows) - headRank(b.flows));
    return {
      channelIds: this.channelIds,
      channelKeys: this.channelKeys,
      channelAny: this.channelAny,
      userIds: this.userIds,
      userKeys: this.userKeys,
      userAny: this.userAny,
      guarded,
      catchAll: this.catchAll,
    };
  }
}

function push<K>(map: Map<K, CompiledFlow[]>, key: K, flow: CompiledFlow): void {
  const list = map.get(key);
  if (list) list.push(flow);
  else map.set(key, [flow]);
}

function headRank(flows: FlowList): number {
  return flows[0]?.rank ?? Number.POSITIVE_INFINITY;
}
