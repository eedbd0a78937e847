import type { OutboundReply, SentMessage } from './message.js';
import type { Lifecycle } from './plugin.js';
import type { MetricsService } from './services.js';
import type { StateStore } from './store.js';

/**
 * What a platform plugin (Slack, Telegram, Discord, WhatsApp, ...) gives the kernel.
 *
 * Inbound, a platform verifies each webhook or socket event, acks it fast, and hands the kernel
 * an InboundMessage through `coreServices.inbound` (InboundSink.submit) without awaiting the
 * agent. Events that answer an approval arrive the same way:
 * - a reaction: `kind: 'reaction'`, `reaction: { name, messageId, removed }`, where `name` is the
 *   platform's own emoji name (compare it with `approvalReactions`) and `messageId` is the
 *   `SentMessage.messageId` of the message reacted to;
 * - a button: `kind: 'button'`, `action: { id, value, messageId }`, where `id` is one of
 *   `APPROVAL_ACTION_IDS` and `value` the `approvalId` the button was posted with.
 */
export interface PlatformInstance extends Lifecycle {
  /** Lower-case platform name used in messages and matched against `trigger.type`. */
  platform: string;
  /** Posts a reply (split into several messages when the platform needs it); resolves with the first. */
  send(reply: OutboundReply): Promise<SentMessage>;
  /**
   * Posts a message that collects an approval decision; absent when the platform cannot. The
   * request is posted whole or not at all: one that does not fit a message in that mode throws
   * (`wholeApprovalText`) before anything is posted, and is never cut.
   */
  postApprovalRequest?(request: ApprovalRequestMessage): Promise<SentMessage>;
  /**
   * Once a request is decided (approved, denied, expired): replaces the approval message's text
   * with `text` (or `summary`, when `text` does not fit) and removes its buttons, so nobody clicks
   * a closed request. Absent where the platform cannot edit a posted message; the outcome is
   * posted in the thread either way.
   */
  closeApprovalRequest?(request: ApprovalCloseMessage): Promise<void>;
  /** Approval modes `postApprovalRequest` supports, the platform's preferred one first. */
  approvalModes?: readonly ApprovalMode[];
  /** Reaction names (as in `InboundMessage.reaction.name`) that approve or deny; the first of each is the one posted. */
  approvalReactions?: { approve: readonly string[]; deny: readonly string[] };
  /**
   * Every message is answered on its own, whatever the answer (the local platform returns it
   * as the HTTP response). Otherwise the kernel posts one "busy" or "rate limited" notice per
   * user and channel per `runtime.refusal_notice_interval_secs`, not one per refused message.
   */
  answersEachMessage?: boolean;
}

/** `reaction`: the message gets the approve and deny reactions added; `button`: it carries two buttons. */
export type ApprovalMode = 'reaction' | 'button';

export interface ApprovalRequestMessage {
  channelId: string;
  /** Thread the request belongs in (the thread of the message that asked for the tool call). */
  thread?: string;
  /** Workspace (Slack team, Discord guild) whose credentials post the message. */
  workspace?: string;
  /** The flow that asked: a platform whose flows may carry their own credentials posts with that flow's. */
  flow?: string;
  text: string;
  /** Carried by the buttons as their value, so a click names the request it decides. */
  approvalId: string;
  mode: ApprovalMode;
}

export interface ApprovalCloseMessage {
  channelId: string;
  /** `SentMessage.messageId` of the approval message `postApprovalRequest` posted. */
  messageId: string;
  /** The thread the request was posted in (`ApprovalRequestMessage.thread`), where there was one. */
  thread?: string;
  /** Workspace whose credentials posted it. */
  workspace?: string;
  /** The flow that asked (`ApprovalRequestMessage.flow`). */
  flow?: string;
  /** What the message says now (the request, then the decision); already masked. */
  text: string;
  /**
   * The request's id and the decision, without the rest of the request; already masked. What the
   * message says instead when `text` does not fit it (`closedApprovalText`).
   */
  summary: string;
  mode: ApprovalMode;
}

/** Action ids of the approve and deny buttons, the same on every platform. */
export const APPROVAL_ACTION_IDS = { approve: 'aof_approve', deny: 'aof_deny' } as const;

/** How long a platform remembers an event id to drop the platform's own retries of it. */
export const DEDUPE_TTL_MS = 60 * 60 * 1000;

/**
 * True the first time an event id is seen (within `ttlMs`), false for a redelivery. One atomic
 * `set ifAbsent` in the shared store, so in cluster mode a retry landing on another node is
 * dropped too. Key: `dedupe:<platform>:<eventId>`.
 */
export async function isFirstDelivery(store: StateStore, platform: string, eventId: string, ttlMs: number = DEDUPE_TTL_MS): Promise<boolean> {
  return store.set(`dedupe:${platform}:${eventId}`, '1', { ifAbsent: true, ttlMs });
}

const SHOWN_FIELD_CHARS = 80;

/**
 * A field of an untrusted payload as a log line may show it (`interaction type ${shownField(body.type)}`):
 * a string, number or boolean as itself, cut at 80 characters; anything else by its kind. Never
 * throws: `String()` does on a JSON object like `{"toString": 1}`, and one such field must not
 * cost the other messages of a delivery.
 */
export function shownField(value: unknown): string {
  if (typeof value === 'string') return value.length > SHOWN_FIELD_CHARS ? `${value.slice(0, SHOWN_FIELD_CHARS)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  return Array.isArray(value) ? '(a list)' : '(an object)';
}

/** Why a webhook was refused: no signature, a timestamp outside the window, or a wrong signature. */
export type WebhookRejectionReason = 'missing' | 'stale' | 'mismatch';

export interface WebhookRejections {
  record(platform: string, reason: WebhookRejectionReason): void;
}

const REJECTIONS_METRIC = 'agentflow_webhook_rejections_total';

/**
 * The shared `agentflow_webhook_rejections_total{platform,reason}` counter: fetched from the
 * registry when another platform already created it, so every platform counts into one series.
 */
export function webhookRejections(metrics: MetricsService): WebhookRejections {
  const counter = metrics.counter({
    name: REJECTIONS_METRIC,
    help: 'Webhook requests refused before any processing, by platform and reason (missing, stale, mismatch).',
    labelNames: ['platform', 'reason'],
  });
  return { record: (platform, reason) => counter.inc({ platform, reason }) };
}
