import type { InboundMessage, LoadedFlow, RoutingConfig } from '@aof/api';
import { CandidateSearch } from './candidate-search.js';
import { compileFlows, type CompiledFlow } from './compiled-flow.js';
import { explainAll } from './explain.js';
import { emptyMessageKeys, readMessageKeys } from './filters.js';
import { FlowIndex } from './flow-index.js';
import { stripLeadingMention } from './mention.js';
import { PatternMemo, PatternTable } from './pattern-memo.js';
import type { RouteDecision, RouteOptions, ScorerEntry } from './route-decision.js';
import { ScorerChain } from './scorer-chain.js';
import { chooseAgent } from './select-agent.js';

export type { CandidateExplanation, RouteDecision, RouteOptions, ScorerEntry } from './route-decision.js';
export { selectAgent } from './select-agent.js';
export { stripLeadingMention } from './mention.js';

/** Up to this many named flows (`InboundMessage.flows`), a message scores them directly instead of searching the index. */
const NAMED_SCAN_LIMIT = 64;

/**
 * Picks the AgentFlow (and its agent) for each message, by DESIGN §4. Built once per flow table
 * (a reload builds a new one); everything a message needs is precomputed here, so routing is a
 * few map lookups plus the patterns and scorers of the flows that can still win.
 * `routeBest` is synchronous and reuses per-message scratch state, so it refuses reentrant calls.
 */
export class FlowRouter {
  private readonly routing: RoutingConfig;
  private readonly chain: ScorerChain;
  private readonly memo: PatternMemo;
  /** Every flow in load order, for explanations. */
  private readonly inLoadOrder: readonly CompiledFlow[];
  private readonly search: CandidateSearch;
  private readonly byName: ReadonlyMap<string, CompiledFlow>;
  private readonly keys = emptyMessageKeys();
  /** Set while routing: the scratch state above belongs to one message at a time. */
  private busy = false;

  constructor(flows: readonly LoadedFlow[], routing: RoutingConfig, scorers: readonly ScorerEntry[]) {
    // A copy, so neither the caller nor a scorer can change weights under a live router.
    const weights = Object.freeze({ ...routing.weights });
    this.routing = { ...routing, weights };
    this.chain = new ScorerChain(scorers, weights);
    const table = new PatternTable();
    const ranked = compileFlows(flows, table, (flow) => this.chain.upperBound(flow));
    this.memo = new PatternMemo(table);
    this.inLoadOrder = [...ranked].sort((a, b) => a.index - b.index);
    this.search = new CandidateSearch(ranked.length, new FlowIndex(ranked), this.chain);
    this.byName = new Map(ranked.map((flow) => [flow.name, flow]));
  }

  routeBest(message: InboundMessage, options: RouteOptions = {}): RouteDecision {
    if (this.busy) throw new Error('FlowRouter.routeBest is not reentrant: a scorer must not route messages');
    this.busy = true;
    try {
      return this.route(message, options.explain === true);
    } finally {
      this.busy = false;
    }
  }

  private route(message: InboundMessage, explain: boolean): RouteDecision {
    const text = stripLeadingMention(message.text);
    const keys = readMessageKeys(message, this.keys);
    this.memo.begin(text);
    if (explain) {
      const { best, bestScore, candidates } = explainAll(this.inLoadOrder, message, keys, this.memo, this.chain);
      return { ...this.decide(best, bestScore, text), candidates };
    }
    if (keys.allowed !== undefined && keys.allowed.size <= NAMED_SCAN_LIMIT) this.search.runAmong(keys.allowed, this.byName, message, keys, this.memo);
    else this.search.run(message, keys, this.memo);
    return this.decide(this.search.best, this.search.bestScore, text);
  }

  private decide(best: CompiledFlow | null, score: number, text: string): RouteDecision {
    if (best !== null) {
      return {
        flow: best.loaded,
        agent: chooseAgent(best.agents, this.memo),
        score,
        matched: [...best.matched],
        fallback: false,
        dropped: false,
        text,
      };
    }
    const strict = this.routing.strict_mode === true;
    const agent = !strict && this.routing.default_agent ? this.routing.default_agent : null;
    return {
      flow: null,
      agent,
      score: 0,
      matched: [],
      fallback: agent !== null,
      dropped: strict,
      text,
    };
  }
}
