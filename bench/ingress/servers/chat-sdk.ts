/**
 * The Chat SDK (`chat` + `@chat-adapter/slack`) on a plain Node http server. The SDK's webhook
 * handlers take a web-standard Request and return a Response (they are written for route
 * handlers such as Next.js's), so each request is read whole, wrapped, handed to
 * `bot.webhooks.slack`, and the Response written back. Handler work goes to `waitUntil`, as the
 * docs advise for Slack's 3 s ack; the `onNewMention` handler does nothing. The adapter's Web
 * API calls go to the local stub.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSlackAdapter } from '@chat-adapter/slack';
import { Chat, ConsoleLogger } from 'chat';
import { announceReady, SLACK_APP, stubUrlFromEnv } from '../protocol.js';
import { MemoryState } from './memory-state.js';

const bot = new Chat({
  userName: 'bench',
  adapters: {
    slack: createSlackAdapter({ botToken: SLACK_APP.botToken, signingSecret: SLACK_APP.signingSecret, apiUrl: stubUrlFromEnv(), logger: new ConsoleLogger('silent') }),
  },
  state: new MemoryState(),
  logger: 'silent',
});
bot.onNewMention(async () => undefined);
await bot.initialize();

/** Background tasks are not awaited by anyone; a failure is counted in the SDK's own logs (silenced). */
const background = (task: Promise<unknown>): void => {
  task.catch(() => undefined);
};

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    const webRequest = new Request(`http://127.0.0.1${request.url ?? '/'}`, { method: request.method ?? 'POST', headers, body: Buffer.concat(chunks) });
    bot.webhooks.slack(webRequest, { waitUntil: background }).then(async (answer) => {
      const body = Buffer.from(await answer.arrayBuffer());
      response.writeHead(answer.status, { ...Object.fromEntries(answer.headers), 'content-length': body.length });
      response.end(body);
    }, () => {
      response.writeHead(500).end();
    });
  });
});

server.listen(0, '127.0.0.1', () => announceReady((server.address() as AddressInfo).port));

