import { ButtonStyle, ComponentType, MessageFlags, Routes } from 'discord.js';
import { APPROVAL_ACTION_IDS, wholeApprovalText, type ApprovalRequestMessage, type Logger, type OutboundReply, type SentMessage } from '@aof/api';
import { PLATFORM } from './events.js';
import { record, snowflake } from './fields.js';
import { markdownToDiscord } from './format.js';
import type { InteractionReplies, PendingInteraction } from './interaction-replies.js';
import { describeError, DiscordRequestError, type DiscordRest } from './rest.js';
import { DISCORD_MESSAGE_LIMIT, splitMessage } from './split.js';

/** The reactions the bot adds to an approval message (the first of each), and the ones that count as a vote. */
export const APPROVAL_REACTIONS = { approve: ['✅', '☑️', '✔️'], deny: ['❌'] } as const;

/** Discord refuses a custom_id longer than this. */
const CUSTOM_ID_LIMIT = 100;
/**
 * No @everyone, role or user pings from what an agent (or a prompt injection) writes; only the
 * person replied to is notified. Link previews are suppressed: answers quote many URLs.
 */
export const MESSAGE_DEFAULTS = { allowed_mentions: { parse: [], replied_user: true }, flags: MessageFlags.SuppressEmbeds };

interface ChannelPost {
  /** Where the message goes: the thread when there is one, else the channel. */
  target: string;
  /** The channel as the kernel names it (a thread's parent), reported back in SentMessage. */
  channelId: string;
  content: string;
  replyTo?: string;
  components?: unknown[];
}

/**
 * Posts replies (in the thread, as a reply to the message they answer, or as the follow-up of a
 * slash command) and approval requests. Every call goes through the delivery REST manager, which
 * waits out 429s, so a rate-limited reply is late, never lost.
 */
export class DiscordOutbound {
  readonly #rest: DiscordRest;
  readonly #replies: InteractionReplies;
  readonly #logger: Logger;

  constructor(options: { rest: DiscordRest; replies: InteractionReplies; logger: Logger }) {
    this.#rest = options.rest;
    this.#replies = options.replies;
    this.#logger = options.logger;
  }

  /** Long replies go out as several messages, in order; resolves with the first. */
  async send(reply: OutboundReply): Promise<SentMessage> {
    const chunks = splitMessage(markdownToDiscord(reply.text), DISCORD_MESSAGE_LIMIT);
    if (chunks.length === 0) throw new Error('refusing to post an empty Discord message');
    let interaction = reply.replyTo === undefined ? undefined : await this.#pendingInteraction(reply.replyTo);
    const target = reply.thread ?? reply.channelId;
    let first: SentMessage | undefined;
    for (const [index, content] of chunks.entries()) {
      let sent: SentMessage | undefined;
      if (interaction !== undefined) {
        const answered = await this.#followUp(interaction, content, reply.channelId);
        if (answered === 'expired') interaction = undefined;
        else sent = answered;
      }
      sent ??= await this.#post({ target, channelId: reply.channelId, content, ...(index === 0 && reply.replyTo !== undefined && { replyTo: reply.replyTo }) });
      first ??= sent;
    }
    if (first === undefined) throw new Error('no Discord message was posted');
    return first;
  }

  async postApprovalRequest(request: ApprovalRequestMessage): Promise<SentMessage> {
    const content = wholeApprovalText(markdownToDiscord(request.text), DISCORD_MESSAGE_LIMIT, { platform: 'Discord', mode: request.mode });
    const post = { target: request.thread ?? request.channelId, channelId: request.channelId, content };
    const sent = await this.#post({ ...post, ...(request.mode === 'button' && { components: approvalButtons(request.approvalId) }) });
    if (request.mode === 'button') return sent;
    for (const emoji of [APPROVAL_REACTIONS.approve[0], APPROVAL_REACTIONS.deny[0]]) {
      try {
        await this.#rest.deliver('put', Routes.channelMessageOwnReaction(post.target, sent.messageId, encodeURIComponent(emoji)), 'PUT /channels/:id/messages/:id/reactions/:emoji/@me');
      } catch (error) {
        // The request is posted and approvers can still react by hand; losing it over a missing permission would be worse.
        this.#logger.warn({ platform: PLATFORM, reaction: emoji, error: describeError(error) }, 'could not add the approval reaction');
      }
    }
    return sent;
  }

  async #post(post: ChannelPost): Promise<SentMessage> {
    // Only a message id can be replied to: reaction and edit ids start with one, interaction ids never resolve and are sent plain.
    const reference = post.replyTo === undefined ? undefined : /^(\d{15,20})(?::|$)/.exec(post.replyTo)?.[1];
    const body = {
      content: post.content,
      ...MESSAGE_DEFAULTS,
      ...(reference !== undefined && { message_reference: { message_id: reference, fail_if_not_exists: false } }),
      ...(post.components !== undefined && { components: post.components }),
    };
    const response = record(await this.#rest.deliver('post', Routes.channelMessages(post.target), 'POST /channels/:id/messages', { body }));
    const messageId = snowflake(response?.id);
    if (messageId === undefined) throw new Error('Discord answered a message post without a message id');
    return { messageId, channelId: post.channelId };
  }

  /**
   * The first chunk replaces the deferred "thinking..." message, later ones are new follow-ups.
   * An expired or revoked token (`expired`) makes the caller post in the channel instead.
   */
  async #followUp(pending: { id: string; interaction: PendingInteraction }, content: string, channelId: string): Promise<SentMessage | 'expired'> {
    const { id, interaction } = pending;
    const body = { content, allowed_mentions: MESSAGE_DEFAULTS.allowed_mentions };
    try {
      const response = interaction.originalUsed
        ? await this.#rest.deliver('post', Routes.webhook(interaction.applicationId, interaction.token), 'POST /webhooks/:id/:token', { body: { ...body, flags: MessageFlags.SuppressEmbeds }, auth: false })
        : await this.#rest.deliver('patch', Routes.webhookMessage(interaction.applicationId, interaction.token, '@original'), 'PATCH /webhooks/:id/:token/messages/@original', { body, auth: false });
      if (!interaction.originalUsed) {
        interaction.originalUsed = true;
        await this.#replies.markOriginalUsed(id, interaction).catch((error: unknown) => {
          this.#logger.warn({ platform: PLATFORM, error: describeError(error) }, 'could not record that the interaction was answered');
        });
      }
      const messageId = snowflake(record(response)?.id);
      if (messageId === undefined) throw new Error('Discord answered a follow-up without a message id');
      return { messageId, channelId };
    } catch (error) {
      if (!(error instanceof DiscordRequestError) || (error.status !== 401 && error.status !== 404)) throw error;
      this.#logger.info({ platform: PLATFORM, error: error.message }, 'interaction token no longer valid; answering in the channel');
      return 'expired';
    }
  }

  async #pendingInteraction(replyTo: string): Promise<{ id: string; interaction: PendingInteraction } | undefined> {
    if (snowflake(replyTo) === undefined) return undefined;
    try {
      const interaction = await this.#replies.find(replyTo);
      return interaction === undefined ? undefined : { id: replyTo, interaction };
    } catch (error) {
      this.#logger.warn({ platform: PLATFORM, error: describeError(error) }, 'could not read the interaction token; answering in the channel');
      return undefined;
    }
  }
}

function approvalButtons(approvalId: string): unknown[] {
  const button = (label: string, actionId: string, style: ButtonStyle): Record<string, unknown> => {
    const customId = `${actionId}:${approvalId}`;
    if (customId.length > CUSTOM_ID_LIMIT) throw new Error(`approval id too long for a Discord button (${customId.length} > ${CUSTOM_ID_LIMIT} characters)`);
    return { type: ComponentType.Button, style, label, custom_id: customId };
  };
  return [{ type: ComponentType.ActionRow, components: [button('Approve', APPROVAL_ACTION_IDS.approve, ButtonStyle.Success), button('Deny', APPROVAL_ACTION_IDS.deny, ButtonStyle.Danger)] }];
}

