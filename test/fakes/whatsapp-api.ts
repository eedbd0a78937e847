/**
 * A fake WhatsApp Cloud API (Graph API) over real HTTP: `POST /{version}/{phone_number_id}/messages`
 * for text, interactive reply buttons and reactions. Records every call; can answer the next send
 * with a rate limit (HTTP 429 + Retry-After, or Meta's 400 with error code 130429) or any error.
 * Point the plugin's `graph_url` at `url`.
 *
 *   const graph = await startFakeWhatsAppApi({ accessToken: 'EAAG-token' });
 *   // plugin config: { graph_url: graph.url, ... }; later: graph.sentMessages(), graph.calls
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakePlatformApi, SentRecord } from '@aof/testkit';

export interface FakeWhatsAppOptions {
  /** When given, calls with another bearer token answer 401 (Graph error 190). */
  accessToken?: string;
}

export interface FakeWhatsAppCall {
  version: string;
  phoneNumberId: string;
  token: string | undefined;
  body: Record<string, unknown>;
  /** The HTTP status the fake answered. */
  status: number;
}

export interface FakeWhatsAppFailure {
  status: number;
  code: number;
  message?: string;
  retryAfterSecs?: number;
}

export interface FakeWhatsAppApi extends FakePlatformApi {
  /** Graph base URL (what `graph_url` takes), without a version. */
  url: string;
  calls: FakeWhatsAppCall[];
  /** The next send answers with this Graph error. */
  failNext(failure: FakeWhatsAppFailure): void;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

export async function startFakeWhatsAppApi(options: FakeWhatsAppOptions = {}): Promise<FakeWhatsAppApi> {
  const calls: FakeWhatsAppCall[] = [];
  const sent: SentRecord[] = [];
  const reactions = new Map<string, string[]>();
  const failures: FakeWhatsAppFailure[] = [];
  let rateLimited = 0;
  let posted = 0;

  const handle = (token: string | undefined, body: Record<string, unknown>): Answer => {
    const failure = failures.shift();
    if (failure !== undefined) {
      if (failure.status === 429 || failure.code === 130429) rateLimited += 1;
      return graphError(failure.status, failure.code, failure.message ?? 'failure requested by the test', failure.retryAfterSecs);
    }
    if (options.accessToken !== undefined && token !== options.accessToken) return graphError(401, 190, 'Invalid OAuth access token');
    if (body.messaging_product !== 'whatsapp' || typeof body.to !== 'string') return graphError(400, 100, 'Invalid parameter');
    posted += 1;
    const messageId = `wamid.FAKE${String(posted).padStart(8, '0')}`;
    const thread = stringAt(body, 'context', 'message_id');
    switch (body.type) {
      case 'text':
        sent.push({ messageId, channelId: body.to, ...(thread !== undefined && { thread }), text: stringAt(body, 'text', 'body') ?? '', buttons: [] });
        break;
      case 'interactive':
        sent.push({ messageId, channelId: body.to, ...(thread !== undefined && { thread }), text: stringAt(body, 'interactive', 'body', 'text') ?? '', buttons: buttonsOf(body) });
        break;
      case 'reaction': {
        const target = stringAt(body, 'reaction', 'message_id') ?? '';
        reactions.set(target, [...(reactions.get(target) ?? []), stringAt(body, 'reaction', 'emoji') ?? '']);
        break;
      }
      default:
        return graphError(400, 100, `unsupported message type ${String(body.type)}`);
    }
    return { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: messageId }] } };
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const route = /^\/(v\d+\.\d+)\/([^/?]+)\/messages(?:\?.*)?$/.exec(request.url ?? '');
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const body = parseJson(Buffer.concat(chunks).toString('utf8'));
      let answer: Answer;
      if (request.method !== 'POST' || route === null) answer = graphError(404, 803, 'Unknown path');
      else if (body === undefined) answer = graphError(400, 100, 'Request body is not JSON');
      else answer = handle(token, body);
      if (route !== null && body !== undefined) {
        calls.push({ version: route[1] ?? '', phoneNumberId: decodeURIComponent(route[2] ?? ''), token, body, status: answer.status });
      }
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    failNext: (failure) => failures.push(failure),
    sentMessages: () => sent,
    reactionsOn: (messageId) => reactions.get(messageId) ?? [],
    failNextWith429: (seconds) => failures.push({ status: 429, code: 130429, message: '(#130429) Rate limit hit', retryAfterSecs: seconds }),
    rateLimitedCount: () => rateLimited,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function graphError(status: number, code: number, message: string, retryAfterSecs?: number): Answer {
  return {
    status,
    ...(retryAfterSecs !== undefined && { headers: { 'retry-after': String(retryAfterSecs) } }),
    body: { error: { message, type: 'OAuthException', code, fbtrace_id: 'AfakeTraceId' } },
  };
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

function stringAt(value: unknown, ...path: string[]): string | undefined {
  let current = value;
  for (const key of path) current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined;
  return typeof current === 'string' ? current : undefined;
}

/** Reply-button ids the plugin encodes as `<action>:<approval id>` come back as (id, value). */
function buttonsOf(body: Record<string, unknown>): SentRecord['buttons'] {
  const interactive = body.interactive as { action?: { buttons?: Array<{ reply?: { id?: string } }> } } | undefined;
  return (interactive?.action?.buttons ?? []).flatMap((button) => {
    const id = button.reply?.id;
    if (id === undefined) return [];
    const colon = id.indexOf(':');
    return [colon < 0 ? { id } : { id: id.slice(0, colon), value: id.slice(colon + 1) }];
  });
}
