/**
 * A stub of the Slack Web API for the benchmark's servers, in its own process so its work is
 * not billed to them: every method answers `ok` at once (auth.test with the bench bot,
 * conversations.info naming the bench channel, chat.postMessage with a fresh ts). Counts calls
 * per method and reports them on `{ type: 'stats' }`, so the run can say what happened behind
 * the acks.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { announceReady, SLACK_APP, type StatsMessage } from '../protocol.js';

const calls: Record<string, number> = {};
let posted = 0;

function answer(method: string): Record<string, unknown> {
  switch (method) {
    case 'auth.test':
      return { ok: true, user_id: SLACK_APP.botUserId, bot_id: SLACK_APP.botId, team_id: SLACK_APP.teamId, user: 'bench', team: 'bench' };
    case 'conversations.info':
      return { ok: true, channel: { id: SLACK_APP.channelId, name: SLACK_APP.channelName, is_channel: true } };
    case 'users.info':
      return { ok: true, user: { id: 'U0BENCHUSER', name: 'bench-user', real_name: 'Bench User' } };
    case 'chat.postMessage':
      posted += 1;
      return { ok: true, channel: SLACK_APP.channelId, ts: `1700000000.${String(posted).padStart(6, '0')}` };
    default:
      return { ok: true };
  }
}

const server = http.createServer((request, response) => {
  // The body is not needed; draining it lets keep-alive connections carry the next call.
  request.resume();
  request.on('end', () => {
    const method = (request.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    calls[method] = (calls[method] ?? 0) + 1;
    const body = JSON.stringify(answer(method));
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
});

process.on('message', (message: { type?: string }) => {
  if (message.type !== 'stats') return;
  const stats: StatsMessage = { type: 'stats', calls: { ...calls } };
  process.send?.(stats);
});

server.listen(0, '127.0.0.1', () => announceReady((server.address() as AddressInfo).port));
