import { APPROVAL_ACTION_IDS, closedApprovalText, wholeApprovalText, type ApprovalCloseMessage, type ApprovalRequestMessage, type Logger, type OutboundReply, type SentMessage } from '@aof/api';
import type { types } from '@slack/bolt';
import type { SlackClients, SlackDeliveryClient } from './client.js';
import type { SlackSettings } from './config.js';
import { markdownToMrkdwn } from './format.js';
import { SLACK_MESSAGE_LIMIT, splitMessage } from './split.js';

/** The reactions the bot adds to an approval message, and the ones that count as a vote. */
export const APPROVAL_REACTIONS = { approve: ['white_check_mark', 'heavy_check_mark'], deny: ['x'] } as const;

/** Slack refuses section text longer than this. */
const SECTION_TEXT_LIMIT = 3_000;

/** Posts replies and approval requests with the bot token of their flow when it carries one, else of the workspace they go to. */
export class SlackOutbound {
  readonly #clients: SlackClients;
  readonly #settings: SlackSettings;
  readonly #logger: Logger;

  constructor(options: { clients: SlackClients; settings: SlackSettings; logger: Logger }) {
    this.#clients = options.clients;
    this.#settings = options.settings;
    this.#logger = options.logger;
  }

  /** Long replies go out as several messages, in order, in the same thread; resolves with the first. */
  async send(reply: OutboundReply): Promise<SentMessage> {
    const client = this.#client(reply.workspace, reply.outcome?.flow ?? undefined);
    const [head, ...rest] = splitMessage(markdownToMrkdwn(reply.text), SLACK_MESSAGE_LIMIT);
    if (head === undefined) throw new Error('refusing to post an empty Slack message');
    const first = await post(client, { channel: reply.channelId, thread: reply.thread, text: head });
    for (const chunk of rest) await post(client, { channel: reply.channelId, thread: reply.thread, text: chunk });
    return first;
  }

  async postApprovalRequest(request: ApprovalRequestMessage): Promise<SentMessage> {
    const client = this.#client(request.workspace, request.flow);
    const limit = request.mode === 'button' ? SECTION_TEXT_LIMIT : SLACK_MESSAGE_LIMIT;
    const text = wholeApprovalText(markdownToMrkdwn(request.text), limit, { platform: 'Slack', mode: request.mode });
    if (request.mode === 'button') {
      return post(client, { channel: request.channelId, thread: request.thread, text, blocks: approvalBlocks(text, request.approvalId) });
    }
    const sent = await post(client, { channel: request.channelId, thread: request.thread, text });
    for (const name of [APPROVAL_REACTIONS.approve[0], APPROVAL_REACTIONS.deny[0]]) {
      try {
        await client.call('reactions.add', { channel: sent.channelId, timestamp: sent.messageId, name });
      } catch (error) {
        // The request is posted and approvers can still react by hand; losing it over a missing emoji would be worse.
        this.#logger.warn({ reaction: name, error: error instanceof Error ? error.message : String(error) }, 'could not add the approval reaction');
      }
    }
    return sent;
  }

  /** The decision replaces the request's text (its summary when the text does not fit); the section without its actions block drops the buttons. */
  async closeApprovalRequest(request: ApprovalCloseMessage): Promise<void> {
    const client = this.#client(request.workspace, request.flow);
    const text = closedApprovalText(request, markdownToMrkdwn, SECTION_TEXT_LIMIT, truncate);
    await client.call('chat.update', {
      channel: request.channelId,
      ts: request.messageId,
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
    });
  }

  #client(workspace: string | undefined, flow?: string): SlackDeliveryClient {
    const token = this.#settings.botToken(workspace, flow);
    if (token === undefined) throw new Error(`no Slack bot token for workspace ${workspace ?? '(default)'}`);
    return this.#clients.delivery(token);
  }
}

interface PostRequest {
  channel: string;
  thread: string | undefined;
  text: string;
  blocks?: types.KnownBlock[];
}

async function post(client: SlackDeliveryClient, request: PostRequest): Promise<SentMessage> {
  const response = await client.call('chat.postMessage', {
    channel: request.channel,
    text: request.text,
    ...(request.thread !== undefined && { thread_ts: request.thread }),
    ...(request.blocks !== undefined && { blocks: request.blocks }),
    mrkdwn: true,
    // Agents quote many URLs (dashboards, runbooks); previews of each would drown the answer.
    unfurl_links: false,
    unfurl_media: false,
  });
  if (typeof response.ts !== 'string') throw new Error('Slack chat.postMessage answered without a message ts');
  return { messageId: response.ts, channelId: typeof response.channel === 'string' ? response.channel : request.channel };
}

function approvalBlocks(text: string, approvalId: string): types.KnownBlock[] {
  const button = (label: string, actionId: string, style: 'primary' | 'danger'): types.Button => ({
    type: 'button',
    text: { type: 'plain_text', text: label },
    style,
    action_id: actionId,
    value: approvalId,
  });
  return [
    { type: 'section', text: { type: 'mrkdwn', text } },
    { type: 'actions', elements: [button('Approve', APPROVAL_ACTION_IDS.approve, 'primary'), button('Deny', APPROVAL_ACTION_IDS.deny, 'danger')] },
  ];
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
