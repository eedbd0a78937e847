/**
 * Request limits and token budgets, checked after routing and before runtime admission
 * (DESIGN §2 step 6). Nothing waits behind a limit: a message over one is refused at once.
 *
 * Windows are fixed and aligned to the clock (minutes, hours, UTC days), and the window is part
 * of the counter's key, computed from an injected `now()`. That makes limits testable with a
 * fake clock (the library's own windows start at a key's first use and end by the store's ttl,
 * both wall-clock), gives every node of a cluster the same windows, and makes "try again in"
 * exact. The store ttl only cleans counters up once their window is over.
 */
import type { DaemonLimits, InboundMessage, LoadedFlow, StateStore } from '@aof/api';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { rulesFor, WINDOW_MS, type LimitRule } from './limit-rules.js';
import { refusal, type LimitRefusal } from './refusal.js';
import { StateStoreLimiter } from './state-store-limiter.js';

export type { LimitRefusal } from './refusal.js';

/** Epoch milliseconds. */
export type Clock = () => number;

export interface LimitSubject {
  /** `limits` of the configuration the message is handled on. */
  limits: DaemonLimits | undefined;
  flow: LoadedFlow;
  message: InboundMessage;
}

export type LimitVerdict =
  /** `refund` takes the message back off every limit it was counted against (it never ran: busy, shutting down). */
  | { allowed: true; refund: () => Promise<void> }
  | { allowed: false; refusal: LimitRefusal };

const KEY_PREFIX = 'ratelimit';

export class RateLimits {
  readonly #store: StateStore;
  readonly #now: Clock;
  /** One limiter per (unit, limit, window): a handful, shared by every subject. */
  readonly #limiters = new Map<string, StateStoreLimiter>();

  constructor(store: StateStore, now: Clock = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  /**
   * Refuses the message if a token budget is already spent or a request limit is reached; else
   * counts it against every request limit. A refused message counts against none of them, the
   * limit that refused it included (the library counts a point before it refuses).
   */
  async admit(subject: LimitSubject): Promise<LimitVerdict> {
    const now = this.#now();
    const rules = rulesFor(subject.limits, subject.flow, subject.message);
    // Budgets first: reading them changes nothing, so a refusal there needs no refund.
    for (const rule of rules.filter((r) => r.unit === 'tokens')) {
      const used = await this.#limiter(rule).get(counterKey(rule, now));
      if (used !== null && used.consumedPoints >= rule.limit) return refused(rule, now);
    }
    const counted: LimitRule[] = [];
    for (const rule of rules.filter((r) => r.unit === 'requests')) {
      try {
        await this.#limiter(rule).consume(counterKey(rule, now), 1);
        counted.push(rule);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        await this.#refund([...counted, rule], now);
        return refused(rule, now);
      }
    }
    // In the windows it was counted in, even if the refund comes after one of them ended.
    return { allowed: true, refund: () => this.#refund(counted, now) };
  }

  async #refund(rules: readonly LimitRule[], countedAt: number): Promise<void> {
    await Promise.all(rules.map((rule) => this.#limiter(rule).reward(counterKey(rule, countedAt), 1)));
  }

  /** Adds the tokens a finished task used to every budget that covers it. */
  async recordTokens(subject: LimitSubject, tokens: number): Promise<void> {
    if (tokens <= 0) return;
    const now = this.#now();
    const budgets = rulesFor(subject.limits, subject.flow, subject.message).filter((r) => r.unit === 'tokens');
    await Promise.all(budgets.map((rule) => this.#limiter(rule).penalty(counterKey(rule, now), tokens)));
  }

  #limiter(rule: LimitRule): StateStoreLimiter {
    const id = `${rule.unit}:${rule.limit}:${rule.window}`;
    let limiter = this.#limiters.get(id);
    if (limiter === undefined) {
      limiter = new StateStoreLimiter({ store: this.#store, points: rule.limit, durationSecs: WINDOW_MS[rule.window] / 1000, keyPrefix: KEY_PREFIX });
      this.#limiters.set(id, limiter);
    }
    return limiter;
  }
}

function windowIndex(rule: LimitRule, now: number): number {
  return Math.floor(now / WINDOW_MS[rule.window]);
}

/** `requests:organization:org-a:hour:487213`: the window's index ends the key, so a new window starts from zero. */
function counterKey(rule: LimitRule, now: number): string {
  return `${rule.unit}:${rule.scope}:${rule.subject}:${rule.window}:${windowIndex(rule, now)}`;
}

function refused(rule: LimitRule, now: number): LimitVerdict {
  const windowEnd = (windowIndex(rule, now) + 1) * WINDOW_MS[rule.window];
  return { allowed: false, refusal: refusal(rule, windowEnd - now) };
}
