import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import type { FastifyPluginAsync } from 'fastify';
import { createHttpServer, type HttpServer } from '../../core/http/server.js';
import { createMetrics } from '../../core/metrics/metrics.js';
import { postLocal, startTestDaemon } from '../helpers/daemon.js';
import { repoRoot } from '../helpers/paths.js';
import { recordingLogger } from '../kernel/support.js';

/** Sends headers announcing a 100-byte body, then 3 bytes, then nothing: a slow-body client. */
function stallingRequest(port: number, requestPath: string, headers = ''): Promise<{ statusLine: string; closedAfterMs: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`POST ${requestPath} HTTP/1.1\r\nHost: localhost\r\ncontent-type: application/json\r\ncontent-length: 100\r\n${headers}\r\n{"c`);
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    socket.on('error', reject);
    // A server that never cuts the client off fails the test instead of hanging it.
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('close', () => resolve({ statusLine: received.split('\r\n')[0] ?? '', closedAfterMs: Date.now() - started }));
  });
}

const slowAnswer: FastifyPluginAsync = async (app) => {
  app.post('/slow', async () => {
    await sleep(1_500);
    return { answered: true };
  });
};

let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function serve(requestTimeoutMs?: number): HttpServer {
  server = createHttpServer({ logger: recordingLogger(), bodyLimitBytes: 1024, ...(requestTimeoutMs !== undefined && { requestTimeoutMs }), metrics: createMetrics(), readiness: () => ({ ready: true, reasons: [] }) });
  server.service.register(slowAnswer, { prefix: '/test' });
  return server;
}

describe('a client that sends its request too slowly', () => {
  it('gets 408 and its connection closed once the timeout passes; others are served meanwhile', async () => {
    const http = serve(1_000);
    const { port } = await http.listen(0, '127.0.0.1');
    const stalled = stallingRequest(port, '/test/slow');
    await sleep(200);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200, 'a stalled client blocks nobody');
    const { statusLine, closedAfterMs } = await stalled;
    assert.equal(statusLine, 'HTTP/1.1 408 Request Timeout');
    assert.ok(closedAfterMs >= 950 && closedAfterMs < 3_000, `closed after ${closedAfterMs} ms`);
  });

  it('limits receiving the request, not answering it: an answer may take longer', async () => {
    const http = serve(1_000);
    const { port } = await http.listen(0, '127.0.0.1');
    const response = await fetch(`http://127.0.0.1:${port}/test/slow`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.deepEqual([response.status, await response.json()], [200, { answered: true }]);
  });

  it('is cut off after 30 s unless configured (Fastify alone would wait for ever)', () => {
    assert.equal(serve().app.server.requestTimeout, 30_000);
  });

  it('follows server.timeout_secs in the daemon config, on the admin API\'s own port too', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aof-request-timeout-'));
    const configPath = path.join(dir, 'daemon.yaml');
    await writeFile(configPath, 'apiVersion: aof.dev/v1\nkind: DaemonConfig\nmetadata: { name: t }\nspec:\n  server: { timeout_secs: 1 }\n  admin: { enabled: true, token: admin-token, port: 0 }\n');
    const t = await startTestDaemon({ configPath, flowsDir: path.join(repoRoot, 'flows'), agentsDir: path.join(repoRoot, 'agents') });
    try {
      const { statusLine, closedAfterMs } = await stallingRequest(t.daemon.port, '/platforms/local/messages');
      assert.equal(statusLine, 'HTTP/1.1 408 Request Timeout');
      assert.ok(closedAfterMs < 3_000, `closed after ${closedAfterMs} ms`);
      // With the token: an unauthenticated request is refused before its body is read.
      const admin = await stallingRequest(t.daemon.adminPort ?? 0, '/admin/reload', 'authorization: Bearer admin-token\r\n');
      assert.equal(admin.statusLine, 'HTTP/1.1 408 Request Timeout', 'the admin API on its own port too');
      const answered = await postLocal(t.url, { channel: 'ops', user: 'alice', text: 'kubectl get pods' });
      assert.equal(answered.body.status, 'ok', 'a whole request is still answered');
    } finally {
      await t.stop();
    }
  });
});
