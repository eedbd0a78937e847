import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDaemonProcess, type DaemonProcess } from '../helpers/daemon-process.js';
import { repoRoot } from '../helpers/paths.js';

describe('node core/main.js --config daemon-config.yaml', () => {
  let daemon: DaemonProcess;
  before(async () => {
    daemon = await startDaemonProcess(['--config', 'daemon-config.yaml', '--host', '127.0.0.1']);
  });
  after(async () => {
    await daemon.stop('SIGKILL');
  });

  it('answers /healthz', async () => {
    const res = await fetch(`${daemon.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('is ready once config is loaded and plugins started', async () => {
    const res = await fetch(`${daemon.url}/readyz`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { status: string }).status, 'ready');
  });

  it('serves Prometheus metrics', async () => {
    const res = await fetch(`${daemon.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const body = await res.text();
    assert.match(body, /^process_cpu_user_seconds_total /m);
    assert.match(body, /^aof_plugins_loaded\{kind="scorer"\} 1$/m);
  });

  it('answers unknown routes with JSON 404', async () => {
    const res = await fetch(`${daemon.url}/nope`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: string }).error, 'not_found');
  });

  it('logs JSON lines that report inactive flows and the ready state', () => {
    assert.ok(daemon.logs.some((l) => l.msg === 'flow is inactive' && l.flow === 'prod-k8s-flow'));
    const ready = daemon.logs.find((l) => l.msg === 'daemon ready');
    assert.equal(ready?.active_flows, 2);
    assert.equal(typeof ready?.timestamp, 'string');
  });

  it('stops cleanly on SIGTERM with exit code 0', async () => {
    const code = await daemon.stop('SIGTERM');
    assert.equal(code, 0);
    assert.ok(daemon.logs.some((l) => l.msg === 'daemon stopped'));
  });
});

describe('a daemon config that cannot start', () => {
  it('exits 1 with the error on stderr', async () => {
    await assert.rejects(startDaemonProcess(['--config', 'does-not-exist.yaml']), /exited with 1[\s\S]*AOF_ERR_CONFIG_NOT_FOUND/);
  });
});

describe('a plugin that leaves a promise rejection unhandled', () => {
  it('is logged as an error and the daemon keeps serving', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aof-unhandled-'));
    const plugin = path.join(repoRoot, 'test/fixtures/plugins/rejects-unhandled.js');
    await writeFile(path.join(dir, 'daemon-config.yaml'), [
      'apiVersion: aof.dev/v1',
      'kind: DaemonConfig',
      'metadata: { name: unhandled }',
      'spec:',
      `  plugins: [${JSON.stringify(plugin)}]`,
      '  flows: { enabled: false }',
      '',
    ].join('\n'));
    const daemon = await startDaemonProcess(['--config', path.join(dir, 'daemon-config.yaml'), '--host', '127.0.0.1']);
    try {
      const deadline = Date.now() + 5_000;
      const logged = (): Record<string, unknown> | undefined => daemon.logs.find((line) => String(line.msg).startsWith('unhandled promise rejection'));
      while (logged() === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const line = logged();
      assert.equal(line?.level, 'error');
      assert.match(JSON.stringify(line?.err), /a rejection nobody handles/);
      assert.equal((await fetch(`${daemon.url}/healthz`)).status, 200);
      assert.equal(await daemon.stop('SIGTERM'), 0);
    } finally {
      await daemon.stop('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
