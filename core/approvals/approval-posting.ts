/**
 * Everything the approval service posts, through the request's platform: the request (with
 * reactions or buttons when the platform can, else as a plain message asking for `/approve ID`),
 * the outcomes in the request's thread, and answers to typed commands. Text is masked here, at
 * the last step, so stored state and the model's conversation stay raw.
 */
import type { ApprovalPostMode, InboundMessage, Logger, OutboundReply, PlatformInstance } from '@aof/api';
import { decidedRequestText } from './approval-text.js';
import type { ApprovalRecord } from './types.js';

export interface PostingDeps {
  platforms: () => ReadonlyMap<string, PlatformInstance>;
  /** Masks secret values (platform tokens, secret flow env values). */
  scrub: (text: string) => string;
  logger: Logger;
  now: () => number;
}

/** The strategy's mode when the platform supports it, else the platform's preferred one, else `command`. */
export function chooseMode(wanted: ApprovalPostMode, platform: PlatformInstance | undefined): ApprovalPostMode {
  if (wanted === 'command' || platform?.postApprovalRequest === undefined) return 'command';
  const modes = platform.approvalModes ?? [];
  return modes.includes(wanted) ? wanted : modes[0] ?? 'command';
}

export class ApprovalPoster {
  readonly #deps: PostingDeps;

  constructor(deps: PostingDeps) {
    this.#deps = deps;
  }

  /** Posts the request; resolves with the approval message's id (reactions on it are votes). Throws when it could not be posted. */
  async postRequest(record: ApprovalRecord, text: string): Promise<string | undefined> {
    const platform = this.#platform(record.requester.platform);
    const masked = this.#deps.scrub(text);
    if (record.mode !== 'command' && platform.postApprovalRequest !== undefined) {
      const sent = await platform.postApprovalRequest({
        channelId: record.channel.id,
        ...(record.thread !== undefined && { thread: record.thread }),
        ...(record.requester.workspace !== '' && { workspace: record.requester.workspace }),
        flow: record.flow,
        text: masked,
        approvalId: record.id,
        mode: record.mode,
      });
      return sent.messageId;
    }
    const sent = await platform.send(this.#threadReply(record, masked, 'awaiting_approval'));
    return sent.messageId;
  }

  /**
   * Once decided, the approval message says so and loses its buttons (where the platform can edit
   * it), so nobody votes on a closed request. A failure is logged: the outcome is in the thread too.
   */
  async closeRequest(record: ApprovalRecord, outcome: string): Promise<void> {
    if (record.mode === 'command' || record.approvalMessageId === undefined) return;
    const platform = this.#deps.platforms().get(record.requester.platform);
    if (platform?.closeApprovalRequest === undefined) return;
    try {
      await platform.closeApprovalRequest({
        channelId: record.channel.id,
        messageId: record.approvalMessageId,
        ...(record.thread !== undefined && { thread: record.thread }),
        ...(record.requester.workspace !== '' && { workspace: record.requester.workspace }),
        flow: record.flow,
        text: this.#deps.scrub(decidedRequestText(record, outcome)),
        summary: this.#deps.scrub(`**Approval request** (${record.id})\n${outcome}`),
        mode: record.mode,
      });
    } catch (error) {
      this.#deps.logger.warn({ approval_id: record.id, err: error }, 'could not mark the approval message as decided');
    }
  }

  /** An outcome or a result in the request's thread; a failure is logged (the decision already stands). */
  async toThread(record: ApprovalRecord, text: string, status: string): Promise<void> {
    try {
      await this.#platform(record.requester.platform).send(this.#threadReply(record, this.#deps.scrub(text), status));
    } catch (error) {
      this.#deps.logger.error({ approval_id: record.id, err: error }, 'could not post the approval outcome');
    }
  }

  /** Answers a typed command (`/approve ID`) where it was typed. */
  async answer(message: InboundMessage, text: string, status: string, flow: string | null): Promise<void> {
    try {
      await this.#platform(message.platform).send({
        platform: message.platform,
        ...(message.workspace !== undefined && { workspace: message.workspace }),
        channelId: message.channel.id,
        ...(message.thread !== undefined && { thread: message.thread }),
        text: this.#deps.scrub(text),
        replyTo: message.id,
        outcome: { requestId: message.id, flow, agent: null, status, latencyMs: this.#deps.now() - message.receivedAt },
      });
    } catch (error) {
      this.#deps.logger.error({ platform: message.platform, err: error }, 'could not answer the approval command');
    }
  }

  #threadReply(record: ApprovalRecord, text: string, status: string): OutboundReply {
    return {
      platform: record.requester.platform,
      ...(record.requester.workspace !== '' && { workspace: record.requester.workspace }),
      channelId: record.channel.id,
      ...(record.thread !== undefined && { thread: record.thread }),
      text,
      replyTo: record.messageId,
      outcome: { requestId: record.requestId, flow: record.flow, agent: record.agent, status, latencyMs: this.#deps.now() - record.createdAt },
    };
  }

  #platform(name: string): PlatformInstance {
    const platform = this.#deps.platforms().get(name);
    if (platform === undefined) throw new Error(`no platform plugin for ${name}`);
    return platform;
  }
}
