import { randomBytes } from 'node:crypto';
import { signSlackRequest } from '@aof/plugin-slack';
import type { WebhookRequest } from '@aof/testkit';

export const WEBHOOK_PATH = '/webhooks/slack';
export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-bot-token-0123456789';
/** The bot user of the official fixtures (mentioned in app_mention, the author in message_app_bot). */
export const BOT_USER_ID = 'U0LAN0Z89';
export const TEAM_ID = 'T123ABC456';

export interface SignOptions {
  secret?: string;
  /** Epoch seconds; now by default. */
  timestamp?: number;
  contentType?: string;
  headers?: Record<string, string>;
}

export function nowSecs(): number {
  return Math.floor(Date.now() / 1000);
}

/** A request signed the way Slack signs it (v0 HMAC of the raw body). */
export function signedRequest(body: string, options: SignOptions = {}): WebhookRequest {
  const timestamp = String(options.timestamp ?? nowSecs());
  return {
    path: WEBHOOK_PATH,
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signSlackRequest(options.secret ?? SIGNING_SECRET, timestamp, body),
      ...options.headers,
    },
    body,
  };
}

export function unsignedRequest(body: string, contentType = 'application/json'): WebhookRequest {
  return { path: WEBHOOK_PATH, headers: { 'content-type': contentType }, body };
}

/** An interactivity request: the payload JSON in the `payload` field of a form. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export const FORM = 'application/x-www-form-urlencoded';

let sequence = 0;

/** A fresh Slack-style message ts (`<seconds>.<micros>`), unique within the process. */
export function nextTs(): string {
  sequence += 1;
  return `${nowSecs()}.${String(sequence).padStart(6, '0')}`;
}

export function nextEventId(): string {
  sequence += 1;
  return `Ev${String(sequence).padStart(6, '0')}${randomBytes(3).toString('hex').toUpperCase()}`;
}

/** An Events API envelope around `event`, as Slack posts it. */
export function eventEnvelope(event: Record<string, unknown>, options: { eventId?: string; teamId?: string } = {}): string {
  const teamId = options.teamId ?? TEAM_ID;
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: teamId,
    api_app_id: 'A0AOFTEST',
    event,
    type: 'event_callback',
    event_id: options.eventId ?? nextEventId(),
    event_time: nowSecs(),
    authorizations: [{ team_id: teamId, user_id: BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
  });
}

/** A person's message in a channel (a thread reply when `thread` is given). */
export function messageEvent(fields: { channel: string; user: string; text: string; thread?: string; type?: string; extra?: Record<string, unknown> }): Record<string, unknown> {
  const ts = nextTs();
  return {
    type: fields.type ?? 'message',
    channel: fields.channel,
    user: fields.user,
    text: fields.text,
    ts,
    ...(fields.thread !== undefined && { thread_ts: fields.thread }),
    event_ts: ts,
    channel_type: 'channel',
    ...fields.extra,
  };
}
