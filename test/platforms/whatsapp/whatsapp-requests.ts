import { randomBytes } from 'node:crypto';
import { signHubPayload } from '@aof/plugin-whatsapp';
import type { WebhookRequest } from '@aof/testkit';

export const WEBHOOK_PATH = '/webhooks/whatsapp';
export const APP_SECRET = 'test-app-secret-0123456789abcdef';
export const VERIFY_TOKEN = 'test-verify-token-5e7a';
export const ACCESS_TOKEN = 'EAAGtest-access-token-0123456789';
/** The business number of the official fixtures. */
export const PHONE_NUMBER_ID = '106540352242922';
export const DISPLAY_NUMBER = '15550783881';
export const WABA_ID = '102290129340398';

export function nowSecs(): number {
  return Math.floor(Date.now() / 1000);
}

let sequence = 0;

/** A fresh message id in WhatsApp's `wamid.` form, unique within the process. */
export function nextWamid(): string {
  sequence += 1;
  return `wamid.TEST${String(sequence).padStart(6, '0')}${randomBytes(6).toString('hex').toUpperCase()}`;
}

export interface Sender {
  from: string;
  /** Groups API group the message is in; absent for a one-to-one chat. */
  groupId?: string;
  name?: string;
}

/** A Cloud API `messages` webhook carrying `messages` from one sender, as Meta posts it. */
export function webhookBody(sender: Sender, messages: Array<Record<string, unknown>>, options: { phoneNumberId?: string; displayNumber?: string } = {}): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{
      id: WABA_ID,
      changes: [{
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: options.displayNumber ?? DISPLAY_NUMBER, phone_number_id: options.phoneNumberId ?? PHONE_NUMBER_ID },
          contacts: [{ profile: { name: sender.name ?? 'Alice Example' }, wa_id: sender.from }],
          messages: messages.map((message) => ({ from: sender.from, ...(sender.groupId !== undefined && { group_id: sender.groupId }), timestamp: String(nowSecs()), ...message })),
        },
      }],
    }],
  });
}

export function textMessage(body: string, options: { id?: string; quoting?: string; timestamp?: number } = {}): Record<string, unknown> {
  return {
    id: options.id ?? nextWamid(),
    type: 'text',
    text: { body },
    ...(options.quoting !== undefined && { context: { from: DISPLAY_NUMBER, id: options.quoting } }),
    ...(options.timestamp !== undefined && { timestamp: String(options.timestamp) }),
  };
}

export function reactionMessage(messageId: string, emoji: string | undefined, id: string = nextWamid()): Record<string, unknown> {
  return { id, type: 'reaction', reaction: { message_id: messageId, ...(emoji !== undefined && { emoji }) } };
}

export function buttonReply(messageId: string, buttonId: string, title = 'Approve'): Record<string, unknown> {
  return {
    id: nextWamid(),
    type: 'interactive',
    context: { from: DISPLAY_NUMBER, id: messageId },
    interactive: { type: 'button_reply', button_reply: { id: buttonId, title } },
  };
}

/** A delivery signed the way Meta signs it (HMAC-SHA256 of the raw body with the app secret). */
export function signedRequest(body: string, options: { secret?: string } = {}): WebhookRequest {
  return {
    path: WEBHOOK_PATH,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signHubPayload(options.secret ?? APP_SECRET, body) },
    body,
  };
}

export function unsignedRequest(body: string): WebhookRequest {
  return { path: WEBHOOK_PATH, headers: { 'content-type': 'application/json' }, body };
}

/** The subscription handshake: a GET whose query string is `query`. */
export function handshakeRequest(query: string): WebhookRequest {
  return { method: 'GET', path: `${WEBHOOK_PATH}?${query}`, headers: {}, body: '' };
}
