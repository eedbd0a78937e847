import type { StateStore } from '@aof/api';

/** Discord accepts follow-ups with an interaction's token for 15 minutes. */
export const INTERACTION_TOKEN_TTL_MS = 15 * 60 * 1000;

/** A slash command whose answer goes out as the follow-up of its deferred response. */
export interface PendingInteraction {
  applicationId: string;
  /** Interaction token: a short-lived credential for this one conversation; never logged. */
  token: string;
  /** Epoch ms the token stops working. */
  expiresAt: number;
  /** The deferred "thinking..." message has been replaced; later answers are new follow-ups. */
  originalUsed: boolean;
}

/**
 * Remembers the tokens of deferred slash commands by interaction id (the InboundMessage id the
 * kernel replies to). Kept in the shared store so that in cluster mode the node that runs the
 * agent can answer a command another node received.
 */
export class InteractionReplies {
  readonly #store: StateStore;
  readonly #now: () => number;

  constructor(options: { store: StateStore; now?: () => number }) {
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
  }

  async remember(interactionId: string, applicationId: string, token: string): Promise<void> {
    const pending: PendingInteraction = { applicationId, token, expiresAt: this.#now() + INTERACTION_TOKEN_TTL_MS, originalUsed: false };
    await this.#store.set(key(interactionId), JSON.stringify(pending), { ttlMs: INTERACTION_TOKEN_TTL_MS });
  }

  async find(interactionId: string): Promise<PendingInteraction | undefined> {
    const stored = await this.#store.get(key(interactionId));
    if (stored === undefined) return undefined;
    const pending = parse(stored);
    return pending !== undefined && pending.expiresAt > this.#now() ? pending : undefined;
  }

  async markOriginalUsed(interactionId: string, pending: PendingInteraction): Promise<void> {
    const ttlMs = pending.expiresAt - this.#now();
    if (ttlMs <= 0) return;
    await this.#store.set(key(interactionId), JSON.stringify({ ...pending, originalUsed: true }), { ttlMs });
  }
}

function key(interactionId: string): string {
  return `discord:interaction:${interactionId}`;
}

function parse(stored: string): PendingInteraction | undefined {
  try {
    const value = JSON.parse(stored) as Partial<PendingInteraction> | null;
    if (typeof value?.applicationId !== 'string' || typeof value.token !== 'string' || typeof value.expiresAt !== 'number') return undefined;
    return { applicationId: value.applicationId, token: value.token, expiresAt: value.expiresAt, originalUsed: value.originalUsed === true };
  } catch {
    return undefined;
  }
}
