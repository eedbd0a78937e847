import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { InboundMessage, InboundSink } from '@aof/api';
import { authorize } from './auth.js';
import type { ReplyBook } from './replies.js';

export interface LocalRoutesOptions {
  token: string | undefined;
  inbound: InboundSink;
  replies: ReplyBook;
  waitTimeoutMs: number;
  maxTextLength: number;
}

interface PostBody {
  channel: string;
  user: string;
  text: string;
  thread?: string;
}

/** `POST /platforms/local/messages` and `GET /platforms/local/messages/:id`. */
export function localRoutes(options: LocalRoutesOptions): FastifyPluginAsync {
  const idField = { type: 'string', minLength: 1, maxLength: 256 };
  const bodySchema = {
    type: 'object',
    required: ['channel', 'user', 'text'],
    additionalProperties: false,
    properties: {
      channel: idField,
      user: idField,
      thread: idField,
      text: { type: 'string', minLength: 1, maxLength: options.maxTextLength },
    },
  };

  return async (app) => {
    // Callback style: an async hook would cost a promise on every request.
    app.addHook('onRequest', (request, reply, done) => {
      const verdict = authorize(options.token, request.headers.authorization, request.socket.remoteAddress);
      if (verdict.ok) {
        done();
        return;
      }
      void reply.code(verdict.status).send({ error: verdict.status === 401 ? 'unauthorized' : 'forbidden', message: verdict.error });
    });

    app.post<{ Body: PostBody; Querystring: { wait?: string } }>('/messages', {
      schema: { body: bodySchema, querystring: { type: 'object', properties: { wait: { type: 'string', enum: ['true', 'false'] } } } },
    }, async (request, reply) => {
      const { channel, user, text, thread } = request.body;
      const id = randomUUID();
      const message: InboundMessage = {
        id,
        platform: 'local',
        channel: { id: channel, name: channel },
        user: { id: user, name: user },
        ...(thread !== undefined && { thread }),
        text,
        kind: 'message',
        receivedAt: Date.now(),
      };
      const wait = request.query.wait === 'true';
      // Recorded as pending either way, so a GET after a wait that timed out says pending, not 404;
      // a waiting request still gets its answer when the store cannot keep that record (an outage).
      await options.replies.accepted(id).catch((error: unknown) => {
        if (!wait) throw error;
      });
      // Wait before submitting: a fast agent can answer before submit() returns.
      const answer = wait ? options.replies.wait(id, options.waitTimeoutMs) : undefined;

      const submitted = await options.inbound.submit(message);
      if (submitted.status !== 'accepted') {
        options.replies.cancel(id);
        const record = { id, status: submitted.status, flow: null, agent: null, reply: null, latency_ms: null, request_id: submitted.requestId,
          ...(submitted.reason !== undefined && { reason: submitted.reason }) };
        await options.replies.settle(record);
        return reply.code(200).send(record);
      }
      if (answer === undefined) return reply.code(202).send({ id, status: 'accepted', request_id: submitted.requestId });
      const result = await answer;
      return reply.code(result.status === 'pending' ? 202 : 200).send(result);
    });

    app.get<{ Params: { id: string } }>('/messages/:id', async (request, reply) => {
      const record = await options.replies.get(request.params.id);
      if (record === undefined) return reply.code(404).send({ error: 'not_found', message: `no message ${request.params.id}` });
      return reply.code(200).send(record);
    });
  };
}
