import type { ApprovalMode, InboundMessage, PlatformInstance } from '@aof/api';

/**
 * What a platform plugin's author provides to run the contract suite (`runPlatformContract`):
 * a way to boot the plugin behind the kernel's HTTP server with a fake of the platform's API,
 * and requests shaped and signed the way the platform sends them.
 */
export interface PlatformHarness {
  /** Suite label, e.g. "Slack". */
  name: string;
  /** The `InboundMessage.platform` the plugin reports (lower case). */
  platform: string;
  /** Ids valid on the platform that the suite puts in events and replies. */
  sample: { channelId: string; userId: string; thread: string };
  /** The most characters one posted message may hold; longer replies must be split. */
  maxMessageLength: number;
  /**
   * The approval modes the plugin is expected to offer (`platform.approvalModes`, any order; `[]`
   * for none). The suite checks the plugin declares exactly these and runs the approval case for each.
   */
  approvalModes: readonly ApprovalMode[];
  /** Boots the plugin (for example with startTestKernel) and the fake platform API. Called once per suite. */
  start(): Promise<StartedPlatform>;
  stop(): Promise<void>;
  /** A request the platform would send for a new event, correctly signed. Each call is a new event (new event id). */
  signedEvent(kind: TestEventKind, overrides?: EventOverrides): WebhookRequest;
  /** Signed with a secret that is not the configured one. */
  forgedEvent(overrides?: EventOverrides): WebhookRequest;
  /** Correctly signed, then the body changed. */
  tamperedEvent(overrides?: EventOverrides): WebhookRequest;
  /** Correctly signed, but with a timestamp outside the replay window; absent where requests carry no timestamp. */
  staleEvent?(overrides?: EventOverrides): WebhookRequest;
  /** No signature at all. */
  unsignedEvent(overrides?: EventOverrides): WebhookRequest;
  /** The platform's redelivery of `event` (same event id, retry markers, fresh signature). */
  retryOf(event: WebhookRequest): WebhookRequest;
  /** A correctly signed message written by the bot itself, which the plugin must ignore. */
  botOwnMessage(overrides?: EventOverrides): WebhookRequest;
  /** Sends a request to the plugin; defaults to an HTTP call to `baseUrl + path`. Override for socket transports. */
  deliver?(baseUrl: string, request: WebhookRequest): Promise<DeliveryResult>;
}

export type TestEventKind = 'message' | 'reaction' | 'button';

/** Fields the suite chooses; the harness fills in everything else the platform needs. */
export interface EventOverrides {
  /** Message text as the user meant it (without any bot mention). */
  text?: string;
  /** Address the bot: the event carries the bot's mention, which the plugin must strip from the text. */
  mention?: boolean;
  channelId?: string;
  userId?: string;
  /** The thread a message is written in; the plugin must report it as `InboundMessage.thread`. */
  thread?: string;
  /** Reaction or button: the message reacted to or clicked (a `SentMessage.messageId`). */
  messageId?: string;
  /** Reaction name, in the platform's own naming. */
  reaction?: string;
  actionId?: string;
  /** Button value (an approval id). */
  value?: string;
}

export interface WebhookRequest {
  method?: 'POST' | 'GET' | 'PUT';
  /** Path on the kernel's server, e.g. `/webhooks/slack`. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface DeliveryResult {
  status: number;
  body: string;
}

export interface StartedPlatform {
  /** The kernel's HTTP server, `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** Every message the plugin submitted to the kernel, in order. */
  inbound: readonly RecordedInbound[];
  platform: PlatformInstance;
  fakeApi: FakePlatformApi;
}

export type RecordedInbound = InboundMessage;

/** What the contract needs from a fake of the platform's API (which records every call). */
export interface FakePlatformApi {
  /** Every message the plugin posted, in order. */
  sentMessages(): readonly SentRecord[];
  /** Reaction names the plugin added to one message, in order. */
  reactionsOn(messageId: string): readonly string[];
  /** The next posting call answers 429 with `Retry-After: retryAfterSecs`. */
  failNextWith429(retryAfterSecs: number): void;
  /** How many 429s the fake has answered so far. */
  rateLimitedCount(): number;
}

/** A message the fake API holds; an edit the plugin makes (text, buttons) is applied to it. */
export interface SentRecord {
  messageId: string;
  channelId: string;
  thread?: string;
  text: string;
  /** Buttons the message carries, as (action id, value). */
  buttons: ReadonlyArray<{ id: string; value?: string }>;
}
