/**
 * Finds the request an event is about and asks the request's strategy plugin what the event
 * means. Strategies only read events; whether a vote counts is decided by tally.ts.
 */
import { APPROVAL_ACTION_IDS, type ApprovalInstance, type ApprovalPostMode, type ApprovalVote, type InboundMessage, type Logger, type PlatformInstance } from '@aof/api';
import { approvalIdIn } from './approval-ids.js';
import type { ApprovalStore } from './approval-store.js';
import type { ApprovalRecord } from './types.js';

export const DEFAULT_STRATEGY = 'reaction';
/** The strategy that reads typed `/approve ID` commands; used to tell a refused command from a chat message. */
const COMMAND_STRATEGY = 'command';

/** What an event is judged against: enough of a request to interpret votes on it, pending or not. */
export interface RequestView {
  id: string;
  flow: string;
  strategy: string;
  mode: ApprovalPostMode;
  approvalMessageId?: string;
  expiresAt: number;
}

export type Reading = { vote: ApprovalVote } | { refusedByStrategy: true };

export function viewOf(record: ApprovalRecord): RequestView {
  const { id, flow, strategy, mode, approvalMessageId, expiresAt } = record;
  return { id, flow, strategy, mode, expiresAt, ...(approvalMessageId !== undefined && { approvalMessageId }) };
}

/** A decided request's view, from the first entry of its audit trail. */
export function viewFromAudit(id: string, trail: ReadonlyArray<Record<string, unknown>>): RequestView | undefined {
  const requested = trail.find((entry) => entry.event === 'requested');
  if (requested === undefined) return undefined;
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const mode = text(requested.mode);
  return {
    id,
    flow: text(requested.flow) ?? '',
    strategy: text(requested.strategy) ?? DEFAULT_STRATEGY,
    mode: mode === 'reaction' || mode === 'button' ? mode : 'command',
    expiresAt: Date.parse(text(requested.expires_at) ?? '') || 0,
    ...(text(requested.approval_message_id) !== undefined && { approvalMessageId: text(requested.approval_message_id) }),
  };
}

export function isTyped(message: InboundMessage): boolean {
  return message.kind === 'message' || message.kind === 'mention' || message.kind === 'command';
}

export interface VoteReaderDeps {
  strategies: () => readonly ApprovalInstance[];
  platforms: () => ReadonlyMap<string, PlatformInstance>;
  logger: Logger;
  now: () => number;
}

export class VoteReader {
  readonly #deps: VoteReaderDeps;

  constructor(deps: VoteReaderDeps) {
    this.#deps = deps;
  }

  strategy(name: string): ApprovalInstance | undefined {
    return this.#deps.strategies().find((instance) => instance.strategy === name);
  }

  /** The request id an event names: the approval message reacted to, the button's value, or an id in the text. */
  async requestOf(message: InboundMessage, store: ApprovalStore): Promise<string | undefined> {
    if (message.kind === 'reaction') {
      const target = message.reaction?.messageId;
      return target === undefined ? undefined : store.byMessage(message.platform, message.channel.id, target);
    }
    if (message.kind === 'button') {
      const ids: readonly string[] = Object.values(APPROVAL_ACTION_IDS);
      return message.action !== undefined && ids.includes(message.action.id) ? approvalIdIn(message.action.value) : undefined;
    }
    return approvalIdIn(message.text);
  }

  /** Undefined: the event means nothing for the request (a chat message that merely names it is routed as usual). */
  read(message: InboundMessage, view: RequestView): Reading | undefined {
    const platform = this.#deps.platforms().get(message.platform);
    const context = {
      request: {
        id: view.id,
        flow: view.flow,
        mode: view.mode,
        expiresAt: view.expiresAt,
        ...(view.approvalMessageId !== undefined && { messageId: view.approvalMessageId }),
      },
      ...(platform?.approvalReactions !== undefined && { platformReactions: platform.approvalReactions }),
      now: this.#deps.now(),
    };
    const vote = this.#interpret(this.strategy(view.strategy), message, context);
    if (vote !== undefined) return { vote };
    // A typed command the request's strategy turned down is still about the request: answer it rather than route it.
    if (isTyped(message) && view.strategy !== COMMAND_STRATEGY && this.#interpret(this.strategy(COMMAND_STRATEGY), message, context) !== undefined) {
      return { refusedByStrategy: true };
    }
    return undefined;
  }

  /** A strategy is plugin code: one that throws reads as "not a vote", never as a decision. */
  #interpret(strategy: ApprovalInstance | undefined, message: InboundMessage, context: Parameters<ApprovalInstance['interpret']>[1]): ApprovalVote | undefined {
    if (strategy === undefined || typeof strategy.interpret !== 'function') return undefined;
    try {
      const vote: unknown = strategy.interpret(message, context);
      return vote === 'approve' || vote === 'deny' || vote === 'withdraw' ? vote : undefined;
    } catch (error) {
      this.#deps.logger.error({ strategy: strategy.strategy, approval_id: context.request.id, err: error }, 'approval strategy failed to read an event');
      return undefined;
    }
  }
}
