/**
 * The floor the daemon is measured against: one Fastify route that keeps the body as raw bytes,
 * checks Slack's v0 signature over them (timestamp window, HMAC-SHA256, constant-time compare)
 * and answers 200 with nothing behind it. Same Fastify version and logger setting (off) a
 * minimal production endpoint would have.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { announceReady, SLACK_APP } from '../protocol.js';

const MAX_SKEW_SECS = 5 * 60;

function verified(timestamp: string | undefined, signature: string | undefined, body: Buffer): boolean {
  if (timestamp === undefined || signature === undefined || !signature.startsWith('v0=')) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > MAX_SKEW_SECS) return false;
  const expected = createHmac('sha256', SLACK_APP.signingSecret).update(`v0:${timestamp}:`).update(body).digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post('/webhooks/slack', async (request, reply) => {
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  if (!verified(header('x-slack-request-timestamp'), header('x-slack-signature'), body)) return reply.code(401).send({ error: 'invalid_signature' });
  return reply.code(200).send();
});

await app.listen({ port: 0, host: '127.0.0.1' });
announceReady((app.server.address() as AddressInfo).port);
