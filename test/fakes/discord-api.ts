/**
 * A fake Discord REST API (v10) over real HTTP: the gateway URL, channels, users, message posts
 * and edits, reactions, interaction callbacks and webhook follow-ups. Records every call; can
 * answer the next post or edit with a 429 (Retry-After header and `retry_after` JSON, as Discord
 * does) or any route with an error. An edit reaches a message only through the channel it is in
 * (a thread's own id for a message in a thread), else 404 Unknown Message, and is applied to its
 * record in `sentMessages()`. Point the plugin's `api_url` at `url`; assert with `sentMessages()`
 * and `callsTo('POST /channels/:id/messages')`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakePlatformApi, SentRecord } from '@aof/testkit';

export interface FakeDiscordChannel {
  name?: string;
  /** 0 text, 1 DM, 11 public thread, ... */
  type: number;
  guildId?: string;
  parentId?: string;
}

export interface FakeDiscordOptions {
  botToken: string;
  bot: { id: string; username: string };
  channels?: Record<string, FakeDiscordChannel>;
  /** User id -> username, for GET /users/:id. */
  users?: Record<string, string>;
}

export interface FakeDiscordCall {
  /** `POST /channels/:id/messages`: the route with ids and tokens as placeholders. */
  route: string;
  /** The path as requested (tokens included), without `/api/v10`. */
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown> | undefined;
}

export interface FakeDiscordApi extends FakePlatformApi {
  /** REST base URL (`api_url`); discord.js appends `/v10`. */
  url: string;
  calls: FakeDiscordCall[];
  callsTo(route: string): FakeDiscordCall[];
  /** What GET /gateway/bot answers. */
  setGatewayUrl(url: string): void;
  /** Called with each message posted to a channel, as Discord would dispatch it (MESSAGE_CREATE). */
  onMessagePosted(listener: (message: Record<string, unknown>) => void): void;
  /** The next `times` calls of `route` answer `status` with Discord's error body. */
  failNext(route: string, status: number, code?: number, times?: number): void;
  /** The channel a posted message is in (a thread id for a message in a thread). */
  channelOfMessage(messageId: string): string | undefined;
  close(): Promise<void>;
}

type Answer = { status: number; headers?: Record<string, string>; body?: unknown };

const ROUTES: ReadonlyArray<[string, RegExp]> = [
  ['GET /gateway/bot', /^GET \/gateway\/bot$/],
  ['GET /users/@me', /^GET \/users\/@me$/],
  ['GET /users/:id', /^GET \/users\/(\d+)$/],
  ['GET /channels/:id', /^GET \/channels\/(\d+)$/],
  ['POST /channels/:id/messages', /^POST \/channels\/(\d+)\/messages$/],
  ['PATCH /channels/:id/messages/:id', /^PATCH \/channels\/(\d+)\/messages\/(\d+)$/],
  ['PUT /channels/:id/messages/:id/reactions/:emoji/@me', /^PUT \/channels\/(\d+)\/messages\/(\d+)\/reactions\/([^/]+)\/@me$/],
  ['POST /interactions/:id/:token/callback', /^POST \/interactions\/(\d+)\/([^/]+)\/callback$/],
  ['PATCH /webhooks/:id/:token/messages/@original', /^PATCH \/webhooks\/(\d+)\/([^/]+)\/messages\/(?:@|%40)original$/],
  ['POST /webhooks/:id/:token', /^POST \/webhooks\/(\d+)\/([^/]+)$/],
];
const POSTING = new Set(['POST /channels/:id/messages', 'PATCH /channels/:id/messages/:id', 'PATCH /webhooks/:id/:token/messages/@original', 'POST /webhooks/:id/:token']);
const UNAUTHENTICATED = new Set(['POST /interactions/:id/:token/callback', 'PATCH /webhooks/:id/:token/messages/@original', 'POST /webhooks/:id/:token']);
const THREAD_TYPES = new Set([10, 11, 12]);
const MESSAGE_LIMIT = 2_000;

export async function startFakeDiscordApi(options: FakeDiscordOptions): Promise<FakeDiscordApi> {
  const calls: FakeDiscordCall[] = [];
  const sent: SentRecord[] = [];
  const messageChannels = new Map<string, string>();
  const reactions = new Map<string, string[]>();
  const failures = new Map<string, { status: number; code: number; times: number }>();
  const listeners: Array<(message: Record<string, unknown>) => void> = [];
  let gatewayUrl = 'ws://127.0.0.1:1';
  let retryAfterNextPost: number | undefined;
  let rateLimited = 0;
  let nextId = 1_300_000_000_000_000_000n;

  const newMessage = (channelId: string, body: Record<string, unknown>): Record<string, unknown> => {
    nextId += 1n;
    const id = nextId.toString();
    const channel = options.channels?.[channelId];
    const thread = channel !== undefined && THREAD_TYPES.has(channel.type) ? channelId : undefined;
    sent.push({ messageId: id, channelId: thread === undefined ? channelId : channel?.parentId ?? channelId, ...(thread !== undefined && { thread }), text: String(body.content ?? ''), buttons: buttonsOf(body.components) });
    messageChannels.set(id, channelId);
    const reference = body.message_reference as { message_id?: string } | undefined;
    return {
      id, channel_id: channelId, type: reference === undefined ? 0 : 19, content: body.content ?? '', components: body.components ?? [],
      author: { id: options.bot.id, username: options.bot.username, discriminator: '0', bot: true },
      timestamp: new Date().toISOString(), edited_timestamp: null, mentions: [], attachments: [], embeds: [],
      ...(channel?.guildId !== undefined && { guild_id: channel.guildId }),
      ...(reference !== undefined && { message_reference: reference }),
    };
  };

  /** As Discord does: only the fields sent change; `components: []` takes the buttons away. */
  const editMessage = (channelId: string, messageId: string, body: Record<string, unknown>): Answer => {
    const record = messageChannels.get(messageId) === channelId ? sent.find((candidate) => candidate.messageId === messageId) : undefined;
    if (record === undefined) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
    if (typeof body.content === 'string' && body.content.length > MESSAGE_LIMIT) {
      return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${MESSAGE_LIMIT} or fewer in length.` }] } } } };
    }
    if (body.content !== undefined) record.text = String(body.content ?? '');
    if (body.components !== undefined) record.buttons = buttonsOf(body.components);
    return {
      status: 200,
      body: {
        id: messageId, channel_id: channelId, type: 0, content: record.text, components: body.components ?? [],
        author: { id: options.bot.id, username: options.bot.username, discriminator: '0', bot: true },
        timestamp: new Date().toISOString(), edited_timestamp: new Date().toISOString(), mentions: [], attachments: [], embeds: [],
      },
    };
  };

  const handle = (route: string, match: RegExpExecArray, authorization: string | undefined, body: Record<string, unknown> | undefined): Answer => {
    if (POSTING.has(route) && retryAfterNextPost !== undefined) {
      const seconds = retryAfterNextPost;
      retryAfterNextPost = undefined;
      rateLimited += 1;
      return { status: 429, headers: { 'retry-after': String(seconds), 'x-ratelimit-scope': 'user' }, body: { message: 'You are being rate limited.', retry_after: seconds, global: false } };
    }
    const failure = failures.get(route);
    if (failure !== undefined) {
      if (failure.times <= 1) failures.delete(route);
      else failure.times -= 1;
      return { status: failure.status, body: { message: `fake failure ${failure.status}`, code: failure.code } };
    }
    if (!UNAUTHENTICATED.has(route) && authorization !== `Bot ${options.botToken}`) return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
    switch (route) {
      case 'GET /gateway/bot':
        return { status: 200, body: { url: gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } } };
      case 'GET /users/@me':
        return { status: 200, body: { id: options.bot.id, username: options.bot.username, discriminator: '0', bot: true } };
      case 'GET /users/:id': {
        const username = options.users?.[match[1] ?? ''];
        return username === undefined ? { status: 404, body: { message: 'Unknown User', code: 10013 } } : { status: 200, body: { id: match[1], username, discriminator: '0' } };
      }
      case 'GET /channels/:id': {
        const channel = options.channels?.[match[1] ?? ''];
        if (channel === undefined) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
        return { status: 200, body: { id: match[1], type: channel.type, name: channel.name, guild_id: channel.guildId, parent_id: channel.parentId ?? null } };
      }
      case 'POST /channels/:id/messages': {
        const message = newMessage(match[1] ?? '', body ?? {});
        for (const listener of listeners) listener(message);
        return { status: 200, body: message };
      }
      case 'PATCH /channels/:id/messages/:id':
        return editMessage(match[1] ?? '', match[2] ?? '', body ?? {});
      case 'PUT /channels/:id/messages/:id/reactions/:emoji/@me': {
        const messageId = match[2] ?? '';
        reactions.set(messageId, [...(reactions.get(messageId) ?? []), decodeURIComponent(match[3] ?? '')]);
        return { status: 204 };
      }
      case 'POST /interactions/:id/:token/callback':
        return { status: 204 };
      default:
        // Webhook follow-ups: Discord answers with the message it posted.
        nextId += 1n;
        return { status: 200, body: { id: nextId.toString(), content: body?.content ?? '', webhook_id: match[1], type: 20 } };
    }
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '').split('?')[0]?.replace(/^\/api\/v10/, '') ?? '';
      const key = `${request.method ?? 'GET'} ${path}`;
      const found = ROUTES.map(([route, pattern]) => [route, pattern.exec(key)] as const).find(([, match]) => match !== null);
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = raw === '' ? undefined : parseBody(raw);
      const authorization = request.headers.authorization;
      // An unknown route is recorded under its own path, so a test that expected another call shows what came.
      calls.push({ route: found?.[0] ?? key, path, authorization, body });
      const answer = found?.[1] ? handle(found[0], found[1], authorization, body) : { status: 404, body: { message: '404: Not Found', code: 0 } };
      response.writeHead(answer.status, { ...(answer.body !== undefined && { 'content-type': 'application/json' }), ...answer.headers });
      response.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api`,
    calls,
    callsTo: (route) => calls.filter((call) => call.route === route),
    setGatewayUrl: (url) => {
      gatewayUrl = url;
    },
    onMessagePosted: (listener) => listeners.push(listener),
    failNext: (route, status, code = 0, times = 1) => failures.set(route, { status, code, times }),
    channelOfMessage: (messageId) => messageChannels.get(messageId),
    sentMessages: () => sent,
    reactionsOn: (messageId) => reactions.get(messageId) ?? [],
    failNextWith429: (seconds) => {
      retryAfterNextPost = seconds;
    },
    rateLimitedCount: () => rateLimited,
    close: () => new Promise((resolve, reject) => {
      // discord.js keeps connections alive; they would hold close() open.
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

function parseBody(raw: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/** Buttons as (action id, value): AOF's custom_id is `<action id>:<value>`. */
function buttonsOf(components: unknown): SentRecord['buttons'] {
  const buttons: Array<{ id: string; value?: string }> = [];
  for (const row of Array.isArray(components) ? components as Array<{ components?: Array<{ type?: number; custom_id?: string }> }> : []) {
    for (const component of row.components ?? []) {
      if (component.type !== 2 || component.custom_id === undefined) continue;
      const separator = component.custom_id.indexOf(':');
      buttons.push(separator === -1 ? { id: component.custom_id } : { id: component.custom_id.slice(0, separator), value: component.custom_id.slice(separator + 1) });
    }
  }
  return buttons;
}
