/**
 * A fake Slack Web API over real HTTP: chat.postMessage, chat.update, reactions.add, conversations.info,
 * users.info and auth.test. Records every call; can answer the next post with a 429 and
 * Retry-After, any method with `ok: false`, or any method with an HTTP error status. Point the plugin's `api_url` at `url`.
 *
 *   const slack = await startFakeSlackApi({ channels: { C1: 'production' } });
 *   // plugin config: { api_url: slack.url, ... }; later: slack.sentMessages(), slack.callsTo('conversations.info')
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakePlatformApi, SentRecord } from '@aof/testkit';

export interface FakeSlackOptions {
  /** Channel id -> name, for conversations.info; other ids answer `channel_not_found`. */
  channels?: Record<string, string>;
  /** User id -> name, for users.info; other ids answer `user_not_found`. */
  users?: Record<string, string>;
  /** Bot token -> the bot's identity, for auth.test. When given, calls with other tokens answer `invalid_auth`. */
  bots?: Record<string, { userId: string; teamId: string }>;
}

export interface FakeSlackCall {
  method: string;
  /** The bot token the call carried (Authorization header or `token` field). */
  token: string | undefined;
  params: Record<string, unknown>;
}

export interface FakeSlackApi extends FakePlatformApi {
  /** Web API base URL, with the trailing slash WebClient expects. */
  url: string;
  calls: FakeSlackCall[];
  callsTo(method: string): FakeSlackCall[];
  /** The next call of `method` answers `{ ok: false, error }`. */
  failNext(method: string, error: string): void;
  /** The next call of `method` answers with this HTTP status (a 503 while Slack is down). */
  failNextWithStatus(method: string, status: number): void;
  /** TCP connections clients hold open to the fake now. */
  openConnections(): number;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

export async function startFakeSlackApi(options: FakeSlackOptions = {}): Promise<FakeSlackApi> {
  const calls: FakeSlackCall[] = [];
  const sent: SentRecord[] = [];
  const reactions = new Map<string, string[]>();
  const failures = new Map<string, string>();
  const statusFailures = new Map<string, number>();
  let retryAfterNextPost: number | undefined;
  let rateLimited = 0;
  let posted = 0;

  const handle = (method: string, token: string | undefined, params: Record<string, unknown>): Answer => {
    calls.push({ method, token, params });
    if (method === 'chat.postMessage' && retryAfterNextPost !== undefined) {
      const seconds = retryAfterNextPost;
      retryAfterNextPost = undefined;
      rateLimited += 1;
      return { status: 429, headers: { 'retry-after': String(seconds) }, body: { ok: false, error: 'ratelimited' } };
    }
    const status = statusFailures.get(method);
    if (status !== undefined) {
      statusFailures.delete(method);
      return { status, body: { ok: false, error: 'fake_http_failure' } };
    }
    const failure = failures.get(method);
    if (failure !== undefined) {
      failures.delete(method);
      return ok({ ok: false, error: failure });
    }
    const bot = token === undefined ? undefined : options.bots?.[token];
    if (options.bots !== undefined && bot === undefined) return ok({ ok: false, error: 'invalid_auth' });
    switch (method) {
      case 'auth.test':
        return ok({ ok: true, user_id: bot?.userId ?? 'UFAKEBOT', team_id: bot?.teamId ?? 'TFAKE', user: 'aof', team: 'fake' });
      case 'chat.postMessage': {
        posted += 1;
        const ts = `${1_700_000_000 + posted}.${String(posted).padStart(6, '0')}`;
        const channel = String(params.channel);
        const thread = typeof params.thread_ts === 'string' ? params.thread_ts : undefined;
        sent.push({ messageId: ts, channelId: channel, ...(thread !== undefined && { thread }), text: String(params.text ?? ''), buttons: buttonsOf(params.blocks) });
        return ok({ ok: true, channel, ts, message: { text: params.text, ts, ...(thread !== undefined && { thread_ts: thread }) } });
      }
      case 'chat.update': {
        // As Slack does: the message keeps its ts, its text and blocks are replaced.
        const record = sent.find((candidate) => candidate.messageId === String(params.ts) && candidate.channelId === String(params.channel));
        if (record === undefined) return ok({ ok: false, error: 'message_not_found' });
        record.text = String(params.text ?? '');
        record.buttons = buttonsOf(params.blocks);
        return ok({ ok: true, channel: record.channelId, ts: record.messageId, text: record.text });
      }
      case 'reactions.add': {
        const timestamp = String(params.timestamp);
        reactions.set(timestamp, [...(reactions.get(timestamp) ?? []), String(params.name)]);
        return ok({ ok: true });
      }
      case 'conversations.info': {
        const name = options.channels?.[String(params.channel)];
        return ok(name === undefined ? { ok: false, error: 'channel_not_found' } : { ok: true, channel: { id: params.channel, name, is_channel: true } });
      }
      case 'users.info': {
        const name = options.users?.[String(params.user)];
        return ok(name === undefined ? { ok: false, error: 'user_not_found' } : { ok: true, user: { id: params.user, name, real_name: name } });
      }
      default:
        return ok({ ok: false, error: 'unknown_method' });
    }
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const method = (request.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      const params = parseParams(request.headers['content-type'], Buffer.concat(chunks).toString('utf8'));
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const answer = params === undefined
        ? { status: 400, body: { ok: false, error: 'invalid_form_data' } }
        : handle(method, bearer ?? (typeof params.token === 'string' ? params.token : undefined), params);
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(JSON.stringify(answer.body));
    });
  });
  let connections = 0;
  server.on('connection', (socket) => {
    connections += 1;
    socket.once('close', () => { connections -= 1; });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    callsTo: (method) => calls.filter((call) => call.method === method),
    failNext: (method, error) => failures.set(method, error),
    failNextWithStatus: (method, status) => statusFailures.set(method, status),
    openConnections: () => connections,
    sentMessages: () => sent,
    reactionsOn: (messageId) => reactions.get(messageId) ?? [],
    failNextWith429: (seconds) => {
      retryAfterNextPost = seconds;
    },
    rateLimitedCount: () => rateLimited,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function ok(body: Record<string, unknown>): Answer {
  return { status: 200, body };
}

/** WebClient sends forms with nested values (blocks) as JSON strings; other clients may send JSON. */
function parseParams(contentType: string | undefined, body: string): Record<string, unknown> | undefined {
  try {
    if ((contentType ?? '').startsWith('application/json')) return JSON.parse(body === '' ? '{}' : body) as Record<string, unknown>;
    const params: Record<string, unknown> = Object.fromEntries(new URLSearchParams(body));
    if (typeof params.blocks === 'string') params.blocks = JSON.parse(params.blocks) as unknown;
    return params;
  } catch {
    return undefined;
  }
}

function buttonsOf(blocks: unknown): SentRecord['buttons'] {
  if (!Array.isArray(blocks)) return [];
  const buttons: Array<{ id: string; value?: string }> = [];
  for (const block of blocks as Array<{ type?: string; elements?: Array<{ type?: string; action_id?: string; value?: string }> }>) {
    if (block.type !== 'actions') continue;
    for (const element of block.elements ?? []) {
      if (element.type === 'button' && element.action_id !== undefined) {
        buttons.push({ id: element.action_id, ...(element.value !== undefined && { value: element.value }) });
      }
    }
  }
  return buttons;
}
