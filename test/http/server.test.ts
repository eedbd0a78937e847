import assert from 'node:assert/strict';
import net from 'node:net';
import { afterEach, describe, it } from 'node:test';
import type { FastifyPluginAsync } from 'fastify';
import { createHttpServer, type HttpServer, type Readiness } from '../../core/http/server.js';
import { createMetrics, type KernelMetrics } from '../../core/metrics/metrics.js';
import { recordingLogger } from '../kernel/support.js';

const echoRoutes: FastifyPluginAsync = async (app) => {
  app.post('/echo', async (request) => ({ received: request.body }));
  app.get('/items/:id', async (request) => ({ id: (request.params as { id: string }).id }));
  app.get('/boom', async () => {
    throw new Error('secret internals at /srv/app.js:42');
  });
};

let server: HttpServer | undefined;

function serve(readiness: Readiness = { ready: true, reasons: [] }): HttpServer & { logger: ReturnType<typeof recordingLogger>; metrics: KernelMetrics } {
  const logger = recordingLogger();
  const metrics = createMetrics();
  server = createHttpServer({ logger, bodyLimitBytes: 256, metrics, readiness: () => readiness });
  server.service.register(echoRoutes, { prefix: '/test' });
  return { ...server, logger, metrics };
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('HTTP server', () => {
  it('answers /healthz', async () => {
    const response = await serve().app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
  });

  it('answers /readyz with 200 when ready and 503 with reasons when not', async () => {
    const readiness: Readiness = { ready: false, reasons: ['starting'] };
    const { app } = serve(readiness);
    const notReady = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(notReady.statusCode, 503);
    assert.deepEqual(notReady.json(), { status: 'not_ready', reasons: ['starting'] });
    readiness.ready = true;
    readiness.reasons = [];
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready' });
  });

  it('serves Prometheus text with process metrics and kernel series', async () => {
    const response = await serve().app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/plain/);
    assert.match(response.body, /^process_cpu_user_seconds_total /m);
    assert.match(response.body, /^nodejs_heap_size_used_bytes /m);
    assert.match(response.body, /# TYPE aof_plugins_loaded gauge/);
    assert.match(response.body, /# TYPE agentflow_route_total counter/);
  });

  it('serves routing decisions recorded through recordRoute', async () => {
    const { app, metrics } = serve();
    metrics.recordRoute('prod', 'routed');
    metrics.recordRoute('prod', 'routed');
    metrics.recordRoute('', 'dropped');
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    assert.match(response.body, /^agentflow_route_total\{flow="prod",result="routed"\} 2$/m);
    assert.match(response.body, /^agentflow_route_total\{flow="",result="dropped"\} 1$/m);
  });

  it('serves routes plugins registered, under their prefix', async () => {
    const response = await serve().app.inject({ method: 'POST', url: '/test/echo', payload: { hello: 'world' } });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { received: { hello: 'world' } });
  });

  it('refuses registrations once the server has started', async () => {
    const { app, service } = serve();
    await app.ready();
    assert.throws(() => service.register(echoRoutes), /only be registered while plugins initialize/);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await serve().app.inject({ method: 'GET', url: '/nope?x=1' });
    assert.equal(response.statusCode, 404);
    assert.deepEqual(response.json(), { error: 'not_found', message: 'route GET /nope not found' });
  });

  it('tells kubectl, which fell back to localhost:8080 for want of a kubeconfig, that this is not a Kubernetes API', async () => {
    const { app } = serve();
    // What kubectl 1.32 sends when it has no kubeconfig: a version probe, then discovery.
    for (const [url, agent] of [['/version?timeout=5s', 'kubectl-dispatcher/v1.0 (linux/amd64)'], ['/api?timeout=32s', 'kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07']]) {
      const response = await app.inject({ method: 'GET', url, headers: { 'user-agent': agent } });
      // kubectl prints a 403's text as is: "Error from server (Forbidden): this is the AOF daemon, ..."
      assert.equal(response.statusCode, 403);
      assert.match(String(response.headers['content-type']), /^text\/plain/);
      assert.match(response.body, /not a Kubernetes API server.*context\.kubeconfig/);
    }
    // Anyone else, and kubectl on a real route, get what they always got.
    assert.equal((await app.inject({ method: 'GET', url: '/api', headers: { 'user-agent': 'curl/8.0' } })).statusCode, 404);
    assert.equal((await app.inject({ method: 'GET', url: '/healthz', headers: { 'user-agent': 'kubectl/v1.32.4' } })).statusCode, 200);
  });

  it('answers an oversized body with a JSON 413', async () => {
    const response = await serve().app.inject({ method: 'POST', url: '/test/echo', payload: { text: 'x'.repeat(1_000) } });
    assert.equal(response.statusCode, 413);
    assert.equal(response.json().error, 'payload_too_large');
  });

  it('answers malformed JSON with a JSON 400', async () => {
    const response = await serve().app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"not json',
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error, 'bad_request');
    assert.ok(!response.body.includes('not json'), 'the body is not echoed');
  });

  it('answers what Fastify refuses before routing in the same shape, quoting nothing', async () => {
    const { app } = serve();
    const badUrl = await app.inject({ method: 'GET', url: '/test/items/%zz<script>' });
    assert.equal(badUrl.statusCode, 400);
    assert.deepEqual(badUrl.json(), { error: 'bad_request', message: 'the request URL is not valid (malformed percent-encoding)' });
    const longParam = await app.inject({ method: 'GET', url: `/test/items/${'a'.repeat(101)}` });
    assert.equal(longParam.statusCode, 414);
    assert.deepEqual(longParam.json(), { error: 'uri_too_long', message: 'a segment of the request path is too long' });
    assert.equal((await app.inject({ method: 'GET', url: `/test/items/${'a'.repeat(100)}` })).statusCode, 200);
  });

  it('answers a malformed request and oversized headers in the same shape, on a real socket', async () => {
    const { listen } = serve();
    const { port } = await listen(0, '127.0.0.1');
    const raw = (request: string): Promise<string> => new Promise((resolve, reject) => {
      let received = '';
      const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString();
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(received));
    });
    const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.deepEqual(JSON.parse(garbage.split('\r\n\r\n')[1] ?? ''), { error: 'bad_request', message: 'malformed HTTP request' });
    const huge = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nx-filler: ${'y'.repeat(20_000)}\r\n\r\n`);
    assert.match(huge, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    assert.deepEqual(JSON.parse(huge.split('\r\n\r\n')[1] ?? ''), { error: 'request_header_fields_too_large', message: 'the request headers are too large' });
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200, 'the server still answers');
  });

  it('answers a failing handler with a generic 500 and logs the error', async () => {
    const { app, logger } = serve();
    const response = await app.inject({ method: 'GET', url: '/test/boom' });
    assert.equal(response.statusCode, 500);
    assert.deepEqual(response.json(), { error: 'internal_error', message: 'internal server error' });
    assert.ok(!response.body.includes('/srv/app.js'), 'no internals leak');
    assert.equal(logger.lines.find((line) => line.level === 'error')?.message, 'request failed');
  });

  it('listens on a real socket', async () => {
    const { listen } = serve();
    const { port } = await listen(0, '127.0.0.1');
    assert.ok(port > 0);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const echo = await fetch(`http://127.0.0.1:${port}/test/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ over: 'x'.repeat(1_000) }),
    });
    assert.equal(echo.status, 413);
    assert.equal(((await echo.json()) as { error: string }).error, 'payload_too_large');
  });
});
