import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { WebhookRequest } from '@aof/testkit';

export const WEBHOOK_PATH = '/webhooks/discord';
/** Not a path on the server: the harness's `deliver` pushes these requests into the fake gateway. */
export const GATEWAY_PATH = '(gateway)';
export const BOT_TOKEN = 'fake-discord-bot-token.0123456789.abcdef';
/** The bot (and application) of the official fixtures: the author in gateway_message_create_bot.json. */
export const BOT_USER_ID = '290926444748734465';
export const APPLICATION_ID = BOT_USER_ID;
export const GUILD_ID = '290926798626357999';

const keys = generateKeyPairSync('ed25519');
/** The application's public key as the Developer Portal shows it: the 32 raw bytes in hex. */
export const PUBLIC_KEY = keys.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
export const OTHER_PRIVATE_KEY = generateKeyPairSync('ed25519').privateKey;

export function nowSecs(): number {
  return Math.floor(Date.now() / 1000);
}

/** Discord's signature: Ed25519 over `<timestamp><raw body>`, hex. */
export function signInteraction(privateKey: KeyObject, timestamp: string, body: string): string {
  return sign(null, Buffer.from(`${timestamp}${body}`), privateKey).toString('hex');
}

export interface SignOptions {
  key?: KeyObject;
  /** Epoch seconds; now by default. */
  timestamp?: number;
}

/** A request to the interactions endpoint, signed as Discord signs it. */
export function signedInteraction(body: string, options: SignOptions = {}): WebhookRequest {
  const timestamp = String(options.timestamp ?? nowSecs());
  return {
    path: WEBHOOK_PATH,
    headers: {
      'content-type': 'application/json',
      'x-signature-ed25519': signInteraction(options.key ?? keys.privateKey, timestamp, body),
      'x-signature-timestamp': timestamp,
    },
    body,
  };
}

export function unsignedInteraction(body: string): WebhookRequest {
  return { path: WEBHOOK_PATH, headers: { 'content-type': 'application/json' }, body };
}

/** A gateway dispatch for the harness to push through the fake gateway. */
export function gatewayEvent(type: string, data: unknown): WebhookRequest {
  return { path: GATEWAY_PATH, headers: {}, body: JSON.stringify({ op: 0, t: type, d: data }) };
}

let sequence = 1_400_000_000_000_000_000n;

/** A fresh snowflake, unique within the process. */
export function nextSnowflake(): string {
  sequence += 1n;
  return sequence.toString();
}

export interface MessageFields {
  channel: string;
  user: string;
  text: string;
  username?: string;
  /** Absent for a DM. */
  guild?: string | null;
  /** Prefix the text with the bot's mention, as Discord's client writes it. */
  mention?: boolean;
  extra?: Record<string, unknown>;
}

/** MESSAGE_CREATE data: a person's message in a guild channel (or a DM with `guild: null`). */
export function messageCreate(fields: MessageFields): Record<string, unknown> {
  const guild = fields.guild === undefined ? GUILD_ID : fields.guild;
  return {
    id: nextSnowflake(),
    channel_id: fields.channel,
    ...(guild !== null && { guild_id: guild, member: { roles: [], joined_at: '2024-01-01T00:00:00.000000+00:00', deaf: false, mute: false, flags: 0 } }),
    author: { id: fields.user, username: fields.username ?? 'alice', discriminator: '0', global_name: null, avatar: null },
    content: fields.mention === true ? `<@${BOT_USER_ID}> ${fields.text}` : fields.text,
    mentions: fields.mention === true ? [{ id: BOT_USER_ID, username: 'aof', discriminator: '0', bot: true }] : [],
    type: 0,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    ...fields.extra,
  };
}

export interface InteractionFields {
  channel: string;
  user: string;
  username?: string;
  guild?: string | null;
  /** The partial channel Discord includes (type, name, parent); omitted when undefined. */
  channelObject?: Record<string, unknown>;
}

function interactionBase(type: number, fields: InteractionFields): Record<string, unknown> {
  const guild = fields.guild === undefined ? GUILD_ID : fields.guild;
  const user = { id: fields.user, username: fields.username ?? 'alice', discriminator: '0', global_name: null, avatar: null };
  return {
    id: nextSnowflake(),
    application_id: APPLICATION_ID,
    type,
    token: `interaction-token-${nextSnowflake()}`,
    version: 1,
    locale: 'en-US',
    entitlements: [],
    app_permissions: '0',
    // 0: installed to a guild, 1: to a user; context 0 is a guild, 1 the bot's DM.
    authorizing_integration_owners: guild === null ? { 1: fields.user } : { 0: guild },
    context: guild === null ? 1 : 0,
    channel_id: fields.channel,
    ...(fields.channelObject !== undefined && { channel: fields.channelObject }),
    ...(guild === null ? { user } : { guild_id: guild, member: { user, roles: [], permissions: '0', joined_at: '2024-01-01T00:00:00.000000+00:00' } }),
  };
}

/** APPLICATION_COMMAND: `/name` with string options. */
export function commandInteraction(fields: InteractionFields & { name: string; options?: Array<{ name: string; value: string }> }): Record<string, unknown> {
  return {
    ...interactionBase(2, fields),
    data: { id: nextSnowflake(), name: fields.name, type: 1, ...(fields.options !== undefined && { options: fields.options.map((option) => ({ ...option, type: 3 })) }) },
  };
}

/** MESSAGE_COMPONENT: a click on a button with `customId` on message `messageId`. */
export function buttonInteraction(fields: InteractionFields & { customId: string; messageId: string; messageChannel?: string }): Record<string, unknown> {
  return {
    ...interactionBase(3, fields),
    data: { custom_id: fields.customId, component_type: 2 },
    message: { id: fields.messageId, channel_id: fields.messageChannel ?? fields.channel, content: 'approval', author: { id: BOT_USER_ID, username: 'aof', bot: true }, type: 0 },
  };
}
