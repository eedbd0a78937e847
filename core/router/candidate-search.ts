import type { InboundMessage } from '@aof/api';
import type { CompiledFlow } from './compiled-flow.js';
import { EpochMarks } from './epoch-marks.js';
import { excludedBy, type MessageKeys } from './filters.js';
import type { FlowIndex, FlowList, GuardedList, PlatformBucket } from './flow-index.js';
import type { PatternMemo } from './pattern-memo.js';
import type { ScorerChain } from './scorer-chain.js';

/** Lists a message can pull from maps and wildcards: 8 per bucket, 2 buckets. */
const MAX_PENDING = 16;
const NO_FLOWS: FlowList = [];
const NO_GUARDED: readonly GuardedList[] = [];

/**
 * The fast path: visits only the index lists the message can match, always taking next the list
 * whose first flow ranks highest (by upper bound, then load order), and stops as soon as no
 * remaining flow can beat the best so far. Holds per-message state, so one per router.
 */
export class CandidateSearch {
  /** Winner of the last `run`, or null. */
  best: CompiledFlow | null = null;
  bestScore = Number.NEGATIVE_INFINITY;

  private readonly visited: EpochMarks;
  private readonly pending: FlowList[] = Array.from({ length: MAX_PENDING }, () => NO_FLOWS);
  private pendingCount = 0;

  constructor(flowCount: number, private readonly index: FlowIndex, private readonly chain: ScorerChain) {
    this.visited = new EpochMarks(flowCount);
  }

  run(message: InboundMessage, keys: MessageKeys, memo: PatternMemo): void {
    this.best = null;
    this.bestScore = Number.NEGATIVE_INFINITY;
    this.visited.clear();
    this.pendingCount = 0;
    const own = this.index.forPlatform(keys.platform);
    if (own) this.collect(own, keys);
    this.collect(this.index.everyPlatform, keys);
    const ownGuarded = own?.guarded ?? NO_GUARDED;
    const everyGuarded = this.index.everyPlatform.guarded;
    let ownNext = 0;
    let everyNext = 0;
    for (;;) {
      // Next source: the pending list (-1 - slot) or guarded list (1: own bucket, 2: every platform) whose head ranks first.
      let source = 0;
      let head: CompiledFlow | undefined;
      for (let slot = 0; slot < this.pendingCount; slot++) {
        const first = (this.pending[slot] as FlowList)[0] as CompiledFlow;
        if (head === undefined || first.rank < head.rank) {
          head = first;
          source = -1 - slot;
        }
      }
      const ownHead = ownGuarded[ownNext]?.flows[0];
      if (ownHead && (head === undefined || ownHead.rank < head.rank)) {
        head = ownHead;
        source = 1;
      }
      const everyHead = everyGuarded[everyNext]?.flows[0];
      if (everyHead && (head === undefined || everyHead.rank < head.rank)) {
        head = everyHead;
        source = 2;
      }
      // Every other source's head ranks lower still, so nothing left can win.
      if (head === undefined || !this.canBeat(head)) return;
      let list: FlowList;
      if (source < 0) {
        const slot = -1 - source;
        list = this.pending[slot] as FlowList;
        this.pendingCount -= 1;
        this.pending[slot] = this.pending[this.pendingCount] as FlowList;
      } else {
        const guarded = (source === 1 ? ownGuarded[ownNext++] : everyGuarded[everyNext++]) as GuardedList;
        if (!memo.test(guarded.guard)) continue;
        list = guarded.flows;
      }
      this.scan(list, message, keys, memo);
    }
  }

  /**
   * For a message limited to a few named flows (`InboundMessage.flows`): scores just those, which
   * beats walking index lists full of flows the message may not reach.
   */
  runAmong(names: ReadonlySet<string>, byName: ReadonlyMap<string, CompiledFlow>, message: InboundMessage, keys: MessageKeys, memo: PatternMemo): void {
    this.best = null;
    this.bestScore = Number.NEGATIVE_INFINITY;
    for (const name of names) {
      const flow = byName.get(name);
      if (flow === undefined || excludedBy(flow, keys, memo) !== null) continue;
      const score = this.chain.score(message, flow.loaded, flow.matched);
      if (beats(score, flow, this.best, this.bestScore)) {
        this.best = flow;
        this.bestScore = score;
      }
    }
  }

  private collect(bucket: PlatformBucket, keys: MessageKeys): void {
    this.add(bucket.channelIds.get(keys.channelId));
    if (keys.channelKey !== undefined) this.add(bucket.channelKeys.get(keys.channelKey));
    if (keys.channelHandleKey !== undefined && keys.channelHandleKey !== keys.channelKey) this.add(bucket.channelKeys.get(keys.channelHandleKey));
    this.add(bucket.channelAny);
    this.add(bucket.userIds.get(keys.userId));
    if (keys.userKey !== undefined) this.add(bucket.userKeys.get(keys.userKey));
    this.add(bucket.userAny);
    this.add(bucket.catchAll);
  }

  private add(list: FlowList | undefined): void {
    if (list !== undefined && list.length > 0) this.pending[this.pendingCount++] = list;
  }

  private scan(list: FlowList, message: InboundMessage, keys: MessageKeys, memo: PatternMemo): void {
    for (let i = 0; i < list.length; i++) {
      const flow = list[i] as CompiledFlow;
      // Lists are in rank order, so the first flow that cannot win ends the list.
      if (!this.canBeat(flow)) return;
      if (this.visited.has(flow.rank)) continue;
      this.visited.add(flow.rank);
      if (excludedBy(flow, keys, memo) !== null) continue;
      const score = this.chain.score(message, flow.loaded, flow.matched);
      if (beats(score, flow, this.best, this.bestScore)) {
        this.best = flow;
        this.bestScore = score;
      }
    }
  }

  /** Whether the flow's upper bound leaves it a chance against the best so far. */
  private canBeat(flow: CompiledFlow): boolean {
    const best = this.best;
    return best === null || flow.bound > this.bestScore || (flow.bound === this.bestScore && flow.index < best.index);
  }
}

/** Higher score wins; a tie goes to the flow loaded first. A NaN score never wins. */
export function beats(score: number, flow: CompiledFlow, best: CompiledFlow | null, bestScore: number): boolean {
  if (best === null) return !Number.isNaN(score);
  return score > bestScore || (score === bestScore && flow.index < best.index);
}
